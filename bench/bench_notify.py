"""How fast the delivery worker empties a full outbox into a local json:// receiver.

Queues N pending change alerts (default 1,000) for one group whose URL is a JSON receiver on
127.0.0.1, then times one ``notify.deliver_due`` pass: rendering, the apprise call and the HTTP
POST, and the store writes that make each delivery durable (lease, then mark sent).

    .venv/bin/python bench/bench_notify.py [--alerts 1000] [--targets 1] [--workers 4]

Alerts of one (group, target) go out in order, one at a time; different targets in parallel.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from receivers import JsonReceiver
from watcher import config, notify
from watcher.store import OutboxItem, Store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument(
        "--targets", type=int, default=1, help="spread the alerts over this many targets"
    )
    parser.add_argument("--workers", type=int, default=4, help="[notify].workers")
    args = parser.parse_args()
    receiver = JsonReceiver()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cfg = config.parse(
                {
                    "watcher": {"state_dir": tmp},
                    "notify": {"workers": args.workers},
                    "targets": [{"id": "jetvpn/privacy", "url": "http://127.0.0.1/"}],
                    "groups": [{"name": "bench", "notify": [receiver.url("/bench")]}],
                }
            )
            with Store.open(Path(tmp)) as store:
                items = [
                    OutboxItem(
                        "bench",
                        "change",
                        f"bench:{i}",
                        {
                            "target": "jetvpn/privacy",
                            "title": "Jet VPN privacy policy",
                            "url": "https://jetvpn.example/privacy",
                            "severity": "critical",
                            "direction": "weakens",
                            "categories": ["vpn-logging"],
                            "summary": f"connection timestamps now stored ({i})",
                        },
                    )
                    for i in range(args.alerts)
                ]
                for t in range(args.targets):  # a backlog after an outage spans targets
                    store.add_alerts(items[t :: args.targets], f"provider{t}/privacy")
                t0 = time.perf_counter()
                report = notify.deliver_due(store, cfg)
                elapsed = time.perf_counter() - t0
        received = len(receiver.bodies("/bench"))
    finally:
        receiver.close()
    print(
        f"{args.alerts} alerts over {args.targets} target(s), {args.workers} workers: "
        f"{report.sent} delivered ({received} received), {report.failed} failed, "
        f"{report.pending} pending in {elapsed:.2f}s: {report.sent / elapsed:.0f} deliveries/s"
    )
    return 0 if report.sent == received == args.alerts else 1


if __name__ == "__main__":
    sys.exit(main())
