"""regex: search, findall, sub and split with the re module over generated logs.

Several compiled patterns of different kinds (alternation, character classes,
backreferences, lookahead, named groups) run over ~1 MB of synthetic log text.
The _sre engine is on the hot path.
"""
import random
import re
import sys
import worktime

ROUNDS = 3

PATTERNS = [
    (re.compile(r"(?P<ip>\d{1,3}(?:\.\d{1,3}){3}) - - \[(?P<ts>[^\]]+)\] \"(?P<verb>GET|POST|PUT|DELETE) (?P<path>\S+)"), "finditer"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "findall"),
    (re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE), "findall"),
    (re.compile(r"(?=.*error)(?=.*disk).*", re.MULTILINE), "findall"),
    (re.compile(r"\s+"), "split"),
    (re.compile(r"(\d+)ms\b"), "sub"),
    (re.compile(r"^\w{3} \d\d (?:\d\d:){2}\d\d", re.MULTILINE), "count"),
    (re.compile(r"user=([a-z]+)(?:&|$)|session=([0-9a-f]{8})"), "findall"),
]


def make_text(rng, lines):
    verbs = ["GET", "POST", "PUT", "DELETE"]
    words = ["disk", "error", "the", "the", "retry", "ok", "user", "cache", "timeout", "warn"]
    out = []
    for i in range(lines):
        ip = ".".join(str(rng.randrange(256)) for _ in range(4))
        kind = i % 4
        if kind == 0:
            out.append(f'{ip} - - [21/Nov/2025:10:{i % 60:02d}:00 +0000] "{rng.choice(verbs)} '
                       f'/api/v1/item/{rng.randrange(10**6)}?user={rng.choice(["ann", "bob", "eve"])}&x=1 HTTP/1.1" 200 {rng.randrange(10**5)}')
        elif kind == 1:
            out.append(f"Nov 21 10:{i % 60:02d}:{i % 59:02d} host app[{rng.randrange(9999)}]: "
                       + " ".join(rng.choice(words) for _ in range(12)) + f" took {rng.randrange(5000)}ms")
        elif kind == 2:
            out.append(f"mail from someone.{i}@example{rng.randrange(50)}.org to ops+{i}@corp.example.com "
                       f"session={rng.randrange(16**8):08x}")
        else:
            out.append(" ".join(rng.choice(words) for _ in range(20)))
    return "\n".join(out)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    text = make_text(random.Random(99), 12_000)
    first = None
    for _ in range(rounds):
        counts = []
        for pat, how in PATTERNS:
            if how == "finditer":
                counts.append(sum(1 for m in pat.finditer(text) if m.group("verb")))
            elif how == "findall":
                counts.append(len(pat.findall(text)))
            elif how == "split":
                counts.append(len(pat.split(text)))
            elif how == "sub":
                counts.append(len(pat.sub(lambda m: str(int(m.group(1)) // 1000) + "s", text)))
            else:
                counts.append(sum(1 for _ in pat.finditer(text)))
        if first is None:
            first = counts
        elif counts != first:
            sys.exit("regex: results differ between rounds")


if __name__ == "__main__":
    worktime.run(main)
