#!/usr/bin/env python3
"""gensample.py - write samples/sample.mbox, the small mailbox the README's
first command scans: one bulk campaign with per-recipient tracking codes
and web bugs (a missing-person appeal: harmless content, still bulk), a
newsletter sent with List-Id, a phishing-style message whose link text
shows another host, and personal mail.  Deterministic: same bytes on every
run.  Usage: tools/gensample.py > samples/sample.mbox"""
import base64
import hashlib
import sys

RECIPIENTS = [("Alice", "alice@example.org"), ("Bob", "bob@example.net"),
              ("Carol", "carol@example.com"), ("Dave", "dave@example.org"),
              ("Erin", "erin@example.net")]


def mbox_from(addr, day, hour):
    return f"From {addr} Mon Nov {day:2d} {hour:02d}:00:00 2026\n"


def appeal(i, name, addr):
    code = base64.urlsafe_b64encode(addr.encode()).decode().rstrip("=")
    h = hashlib.md5(addr.encode()).hexdigest()
    filler = ["lantern", "orchard", "pebble", "harbour", "meadow"][i]
    return f"""{mbox_from("appeal@findher.example", 2, 9 + i)}From: Find Her Campaign <appeal@findher.example>
To: {name} <{addr}>
Subject: Please help us find Maria ({1000 + 37 * i})
Message-ID: <appeal-{i}@mailer.findher.example>
Date: Mon, 2 Nov 2026 {9 + i:02d}:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt{i}"

--alt{i}
Content-Type: text/plain; charset=utf-8

Dear {name},

Maria has been missing since Friday. Please share her photo with everyone
you know and look at https://findher.example/maria?rid={code} for details.
{filler}

--alt{i}
Content-Type: text/html; charset=utf-8

<html><body><p>Dear {name},</p>
<p>Maria has been missing since Friday. Please share her photo with everyone
you know and look at <a href="https://click.findher.example/c/{h}?u={code}">her page</a>
for details. <span style="display:none">{filler}</span></p>
<img src="https://open.findher.example/o/{h}.gif" width="1" height="1" alt="">
</body></html>
--alt{i}--

"""


def newsletter(i, name, addr):
    return f"""{mbox_from("news@gardening.example", 3, 8 + i)}From: Gardening Weekly <news@gardening.example>
To: {addr}
Subject: Gardening Weekly: autumn bulbs
Message-ID: <news-47-{i}@gardening.example>
Date: Tue, 3 Nov 2026 {8 + i:02d}:00:00 +0000
List-Id: Gardening Weekly <weekly.gardening.example>
List-Unsubscribe: <https://gardening.example/unsub?list=weekly&e={base64.b64encode(addr.encode()).decode()}>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello gardeners,

This week: planting tulips and daffodils before the first frost. Read the
full issue at https://gardening.example/issues/47?utm_source=newsletter&utm_medium=email

"""


PHISH = f"""{mbox_from("security@bank-alerts.example", 4, 7)}From: "Your Bank" <security@bank-alerts.example>
To: alice@example.org
Subject: =?UTF-8?Q?Action_required=3A_verify_your_account?=
Message-ID: <phish-1@bank-alerts.example>
Date: Wed, 4 Nov 2026 07:00:00 +0000
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<p>Dear customer, please verify your account at
<a href="http://login.bank-alerts.example/verify?id=82731">https://www.yourbank.example/login</a>.</p>

"""

PERSONAL = f"""{mbox_from("bob@example.net", 5, 18)}From: Bob <bob@example.net>
To: Alice <alice@example.org>
Subject: Dinner on Friday?
Message-ID: <personal-1@example.net>
Date: Thu, 5 Nov 2026 18:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hi Alice,

are you free for dinner on Friday? The place is
https://www.openstreetmap.org/#map=18/52.3702/4.8952 - see you there.

Bob

"""

out = sys.stdout
for i, (name, addr) in enumerate(RECIPIENTS):
    out.write(appeal(i, name, addr))
for i, (name, addr) in enumerate(RECIPIENTS[:3]):
    out.write(newsletter(i, name, addr))
out.write(PHISH)
out.write(PERSONAL)
