"""One client of the concurrency tests (tests/core/test_stale_writes.py), run as its own process:
``python tests/stale_client.py JOB``. It opens the project, reads one shared object (a category,
a setting, a unit's decisions), prints "loaded", waits for a line on stdin, writes from what it
read, and prints "ok" or "stale: <the message>"."""

import json
import sys

from annotator.core.errors import StaleWriteError
from annotator.core.project.gold import seen_on
from annotator.core.project.project import Project


def main(job: dict) -> None:
    with Project.open(job["location"]) as project:
        what, key = job["what"], job["key"]
        if what == "category":
            seen = project.category(key).version

            def write():
                project.update_category(key, name=job["value"], version=seen)
        elif what == "setting":
            seen = project.setting_version(key)

            def write():
                project.set_setting(key, job["value"], by=job.get("by"), version=seen)
        else:  # a unit: reject it, having seen its decisions
            seen = seen_on(d for d in project.decisions() if d.unit_id == key)

            def write():
                project.decide(job["document_id"], unit_id=key, start=job["start"], end=job["end"], kind="rejected",
                               spans=[], sources=[], by=job["by"], reason=job["value"], seen=seen)
        print("loaded", flush=True)
        sys.stdin.readline()
        try:
            write()
        except StaleWriteError as exc:
            print(f"stale: {exc}", flush=True)
        else:
            print("ok", flush=True)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
