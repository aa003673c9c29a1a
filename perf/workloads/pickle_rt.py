"""pickle: dump and load object graphs with the pickle module (C _pickle).

Instances of a user class (looked up by name again on every load, which is also an
audit event), nested containers, shared references and bytes, protocols 2 and 5.
"""
import pickle
import random
import sys
import worktime

ROUNDS = 12


class Record:
    def __init__(self, key, values, parent=None):
        self.key = key
        self.values = values
        self.parent = parent
        self.blob = bytes(range(key % 64))

    def __eq__(self, other):
        return (isinstance(other, Record) and self.key == other.key and self.values == other.values
                and self.blob == other.blob and (self.parent is None) == (other.parent is None))


def make_graph(rng, n):
    records = []
    for i in range(n):
        parent = records[rng.randrange(i)] if i else None
        values = {"f": rng.random(), "i": rng.randrange(10**9), "s": f"name-{i}",
                  "t": (i, -i, str(i)), "l": [rng.random() for _ in range(4)]}
        records.append(Record(i, values, parent))
    return {"records": records, "index": {r.key: r for r in records[::7]}, "big": 2**200}


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    graph = make_graph(random.Random(7), 5000)
    for _ in range(rounds):
        for proto in (2, 5):
            data = pickle.dumps(graph, protocol=proto)
            back = pickle.loads(data)
            if back["records"][-1] != graph["records"][-1] or len(back["index"]) != len(graph["index"]):
                sys.exit("pickle: round trip differs")


if __name__ == "__main__":
    worktime.run(main)
