"""richards: an object-heavy cooperative scheduler in the style of Richards.

Task objects of several classes pass message packets through queues and are
scheduled by priority: attribute access, method dispatch, small-object allocation,
branches. CPU-bound, no system calls.
"""
import sys
import worktime

ROUNDS = 10

# Task kinds, also their priorities (higher runs first).
IDLE, WORKER, HANDLER_A, HANDLER_B, DEVICE_A, DEVICE_B = range(6)
WORK, DEVICE = "work", "device"


class Packet:
    __slots__ = ("link", "dest", "kind", "count", "data")

    def __init__(self, link, dest, kind):
        self.link = link
        self.dest = dest
        self.kind = kind
        self.count = 0
        self.data = [0, 0, 0, 0]

    def append_to(self, queue):
        """Put self at the end of the queue starting at `queue`; return the head."""
        self.link = None
        if queue is None:
            return self
        tail = queue
        while tail.link is not None:
            tail = tail.link
        tail.link = self
        return queue


class Task:
    """One schedulable task: a queue of incoming packets and three state bits."""

    def __init__(self, sched, ident, queue):
        self.sched = sched
        self.ident = ident
        self.prio = ident
        self.queue = queue
        self.held = False
        self.waiting = queue is None
        self.packet_pending = queue is not None
        sched.add(self)

    def runnable(self):
        return not self.held and (self.packet_pending or not self.waiting)

    def take_packet(self):
        pkt = self.queue
        if pkt is None:
            return None
        self.queue = pkt.link
        self.packet_pending = self.queue is not None
        return pkt

    def receive(self, pkt):
        """A packet arrives for this task; True when it should preempt the sender."""
        if self.queue is None:
            self.queue = pkt
            pkt.link = None
            self.packet_pending = True
            if self.waiting:
                self.waiting = False
                return self.prio > self.sched.current.prio
        else:
            self.queue = pkt.append_to(self.queue)
        return False

    def run(self, pkt):
        raise NotImplementedError


class IdleTask(Task):
    def __init__(self, sched, count):
        super().__init__(sched, IDLE, None)
        self.waiting = False
        self.seed = 1
        self.count = count

    def run(self, pkt):
        self.count -= 1
        if self.count == 0:
            return self.sched.hold_current()
        if self.seed & 1:
            self.seed = (self.seed >> 1) ^ 0xD008
            return self.sched.release(DEVICE_B)
        self.seed >>= 1
        return self.sched.release(DEVICE_A)


class WorkerTask(Task):
    def __init__(self, sched, queue):
        super().__init__(sched, WORKER, queue)
        self.target = HANDLER_A
        self.letter = 0

    def run(self, pkt):
        if pkt is None:
            return self.sched.wait()
        self.target = HANDLER_B if self.target == HANDLER_A else HANDLER_A
        pkt.dest = self.target
        pkt.count = 0
        for i in range(4):
            self.letter = self.letter % 26 + 1
            pkt.data[i] = self.letter
        return self.sched.send(pkt, self.target)


class HandlerTask(Task):
    def __init__(self, sched, ident, queue):
        super().__init__(sched, ident, queue)
        self.work = None
        self.devices = None

    def run(self, pkt):
        if pkt is not None:
            if pkt.kind == WORK:
                self.work = pkt.append_to(self.work)
            else:
                self.devices = pkt.append_to(self.devices)
        work = self.work
        if work is None:
            return self.sched.wait()
        if work.count >= 4:
            self.work = work.link
            return self.sched.send(work, WORKER)
        dev = self.devices
        if dev is None:
            return self.sched.wait()
        self.devices = dev.link
        dev.count = work.data[work.count]
        work.count += 1
        return self.sched.send(dev, dev.dest)


class DeviceTask(Task):
    def __init__(self, sched, ident):
        super().__init__(sched, ident, None)
        self.pending = None

    def run(self, pkt):
        if pkt is None:
            done = self.pending
            if done is None:
                return self.sched.wait()
            self.pending = None
            return self.sched.send(done, done.dest)
        self.pending = pkt
        self.sched.hold_count += 1
        return self.sched.hold_current()


class Scheduler:
    def __init__(self):
        self.tasks = {}
        self.order = []
        self.current = None
        self.hold_count = 0
        self.sent = 0

    def add(self, task):
        self.tasks[task.ident] = task
        self.order.append(task)
        self.order.sort(key=lambda t: -t.prio)

    def wait(self):
        self.current.waiting = True
        return self.current

    def hold_current(self):
        self.current.held = True
        return None

    def release(self, ident):
        task = self.tasks[ident]
        task.held = False
        return task if task.prio > self.current.prio else self.current

    def send(self, pkt, ident):
        self.sent += 1
        dest = self.tasks[ident]
        pkt.link = None
        pkt.dest = self.current.ident
        return dest if dest.receive(pkt) else self.current

    def run(self):
        """Run the highest-priority runnable task until none is left."""
        while True:
            for task in self.order:
                if task.runnable():
                    break
            else:
                return
            self.current = task
            nxt = task
            while nxt is task:
                pkt = task.take_packet() if task.packet_pending else None
                if pkt is None:
                    task.waiting = False
                nxt = task.run(pkt)
                if nxt is None or not task.runnable():
                    break


def one_round(count):
    s = Scheduler()
    IdleTask(s, count)
    work = Packet(None, WORKER, WORK)
    work = Packet(work, WORKER, WORK)
    WorkerTask(s, work)
    for ident, dev in ((HANDLER_A, DEVICE_A), (HANDLER_B, DEVICE_B)):
        q = Packet(None, dev, DEVICE)
        q = Packet(q, dev, DEVICE)
        q = Packet(q, dev, DEVICE)
        HandlerTask(s, ident, q)
    DeviceTask(s, DEVICE_A)
    DeviceTask(s, DEVICE_B)
    s.run()
    return s.sent, s.hold_count


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    first = one_round(10_000)
    for _ in range(rounds - 1):
        if one_round(10_000) != first:
            sys.exit("richards: rounds disagree")
    if first[0] == 0:
        sys.exit("richards: nothing was sent")


if __name__ == "__main__":
    worktime.run(main)
