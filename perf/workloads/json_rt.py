"""json: encode and decode a nested document with the json module.

A mix of dicts, lists, unicode and ASCII strings, ints and floats, roughly the
shape of an API response; dumps (with and without indent) then loads.
C accelerator (_json) on the hot path, plus the Python-level encoder for indent.
"""
import json
import random
import sys
import worktime

ROUNDS = 15


def make_doc(rng, n):
    words = ["alpha", "beta", "gamma", "delta", "épsilon", "zeta", "ηta", "theta", "日本", "kappa"]
    items = []
    for i in range(n):
        items.append({
            "id": i,
            "name": " ".join(rng.choice(words) for _ in range(3)),
            "score": rng.random() * 1000,
            "tags": [rng.choice(words) for _ in range(rng.randint(0, 6))],
            "active": rng.random() < 0.5,
            "parent": None if i == 0 else rng.randrange(i),
            "attrs": {f"k{j}": rng.randint(-10**6, 10**6) for j in range(rng.randint(1, 5))},
        })
    return {"version": 3, "count": n, "items": items}


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    doc = make_doc(random.Random(1234), 2000)
    for _ in range(rounds):
        text = json.dumps(doc)
        pretty = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
        back = json.loads(text)
        again = json.loads(pretty)
        if back != doc or again != doc:
            sys.exit("json: round trip differs")


if __name__ == "__main__":
    worktime.run(main)
