#!/usr/bin/env python3
"""A local SMTP sink for the e-mail tests.

Usage: smtp_sink.py --port PORT --dir DIR

Listens on 127.0.0.1:PORT (0 picks a free port) and prints the port on stdout
once it accepts connections. Each message received is written as DIR/<n>.eml
(the raw DATA) and then DIR/<n>.json ({"mail_from": ..., "rcpt_tos": [...]}),
n = 1, 2, ...; the .json appears last, so it marks a complete message.
Recipients ending in @reject.test get a 550 reply. The sink exits when its
standard input closes, so it never outlives the test that started it.
"""

import argparse
import asyncio
import json
import os
import sys
import threading

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    print(
        "smtp_sink.py needs the aiosmtpd package: python3 -m pip install aiosmtpd",
        file=sys.stderr,
    )
    sys.exit(3)

REJECT_SUFFIX = "@reject.test"


class Sink:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().endswith(REJECT_SUFFIX):
            return "550 5.1.1 <%s>: recipient rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, str(self.count))
        content = envelope.original_content or envelope.content
        with open(base + ".eml", "wb") as eml:
            eml.write(content)
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos)}
        # Rename so a reader never sees a half-written .json.
        with open(base + ".json.tmp", "w", encoding="utf-8") as tmp:
            json.dump(meta, tmp)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 Message accepted"


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


async def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dir", required=True)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    handler = Sink(args.dir)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test", data_size_limit=64 * 1024 * 1024),
        host="127.0.0.1",
        port=args.port,
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
