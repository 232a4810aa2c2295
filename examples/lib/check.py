"""Reads an example's output and checks its JSON answers: at least N lines that are JSON objects,
each with status "success". Usage: check.py NAME N < output. Exit status 1 when not."""
import json
import sys

name, want = sys.argv[1], int(sys.argv[2])
answers = []
for line in sys.stdin:
    line = line.strip()
    if line.startswith("{"):
        try:
            answers.append(json.loads(line))
        except ValueError:
            pass
bad = [a for a in answers if a.get("status") != "success"]
if len(answers) < want or bad:
    print(f"FAIL {name}: {len(answers)} answers (want {want}), not successful: {bad or '-'}")
    sys.exit(1)
print(f"ok   {name}: " + "; ".join(a.get("message", "?") for a in answers))
