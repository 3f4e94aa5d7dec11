"""A device that speaks NATS directly (nats-py), to check that Prism's messages really are on NATS.

Usage: nats_device.py NATS_URL SUBJECT COUNT

Subscribes to SUBJECT, prints `ready`, then for each message prints one JSON line with the subject,
payload and headers and acks it by replying with an empty message; exits after COUNT messages.
"""

import asyncio
import json
import sys

import nats


async def main(url: str, subject: str, count: int) -> None:
    connection = await nats.connect(url)
    received = asyncio.Queue()

    async def handle(message) -> None:
        print(json.dumps({
            "subject": message.subject,
            "payload": message.data.decode(),
            "headers": message.headers or {},
            "has_reply": bool(message.reply),
        }), flush=True)
        if message.reply:
            await message.respond(b"")
        await received.put(None)

    await connection.subscribe(subject, cb=handle)
    await connection.flush()
    print("ready", flush=True)
    for _ in range(count):
        await asyncio.wait_for(received.get(), timeout=30)
    await connection.drain()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
