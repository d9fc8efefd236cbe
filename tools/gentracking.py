"""gentracking.py - tracking-code ground truth for tools/gencampaigns.py.

Loaded by `tools/gencampaigns.py --tracking OUTDIR`.  The campaigns then
carry every kind of per-recipient code a bulk sender puts in links and
images, next to links that identify nobody, and two more kinds of mail
are written: transactional mail (one-to-one: password resets, invoices,
orders, with ids that identify nobody) and personal mail with links
(shared documents, videos, meetings, articles).  Besides truth.tsv the
set gets OUTDIR/truth-links.tsv, one line per distinct link of each
message:

    file  url  identifying  style  tokens

file         as in truth.tsv
url          the link exactly as a reader finds it (after MIME and HTML
             entity decoding), List-Unsubscribe included
identifying  yes when the link or image identifies the recipient
style        how the link was made ("q-code", "addr-sha256",
             "esp-mailchimp-click", "bug-css-1x1", "const-utm", ...)
tokens       the substrings of url that identify the recipient, comma
             separated, "-" when none (a web bug's are the ids in its URL)

Identifying: opaque ids in the query, path, sub-domain or fragment
(random, UUID, hex, sequential numbers), the address plain,
percent-encoded (once or twice, inside redirect wrappers), base64 (alone
or inside a base64 JSON blob), hex, MD5/SHA-1/SHA-256 digests (lower or
upper case), the local part; click and open links shaped like those of
Mailchimp, SendGrid, Amazon SES, Mailgun, Klaviyo (its profile's ULID
too), HubSpot, Marketo and Campaign Monitor (its letter ids on the
customer's own domain);
web bugs (1x1 by attributes or CSS, display:none, visibility:hidden,
opacity:0, zero size, inside a hidden element).  Identifying nobody:
links that are the same in every copy (utm_* tags, constant campaign ids,
shared documents, product pages, logos and banners), and every link of
transactional and personal mail.  Python 3 standard library only.
"""
import base64
import email
import hashlib
import html
import json
import re
from urllib.parse import quote

from gencampaigns import Gen

B64URL = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
          "-_")
LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"
HEX = "0123456789abcdef"

# Link styles of campaign links that identify the recipient.
ID_STYLES = ["q-code", "q-code", "path-code", "sub-code", "frag-code",
             "q-rid", "seq", "seq-path", "addr-plain", "addr-pct",
             "addr-b64", "addr-b64std", "addr-b64json", "addr-hex",
             "addr-md5", "addr-md5-upper", "addr-sha1", "addr-sha256",
             "addr-local", "wrap-outer", "wrap-dest", "wrap-path",
             "wrap-addr", "wrap-b64", "wrap-b64q"]
CONST_STYLES = ["const-plain", "const-utm", "const-utm", "const-cid",
                "const-cid-hex", "const-gdoc", "const-share",
                "const-youtube", "const-product", "const-blog"]
BUG_STYLES = ["bug-1x1", "bug-css-1x1", "bug-display-none",
              "bug-visibility-hidden", "bug-opacity-0", "bug-zero",
              "bug-hidden-div"]
ESPS = ["none", "none", "none", "mailchimp", "sendgrid", "ses", "mailgun",
        "klaviyo", "hubspot", "marketo", "campaignmonitor"]
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# Campaign Monitor writes its ids in letters (16 of them here: a hex digit
# each)
CM_LETTERS = "bdfhjkmnprtvwxyz"

SERVICES = """Parcelo Billwise Kontora Shopnest Ledgerly Trakstar Bookwell
    Cartwise Loginly Payvana Fotobox Tickety Stayfolio Medivia Rentora
    Cloudcrate Learnly Fixaro Homely Postmarkt""".split()


class TrackingGen(Gen):
    """Gen whose campaigns carry tracking codes, with per-link truth."""

    def __init__(self, seed, scale, outdir):
        super().__init__(seed, scale, outdir)
        self.cur = {}           # url -> (identifying, style, tokens)
        self.turn = {}          # round-robin position per list of styles
        self.links_of = {}      # id(truth row) -> [(url, ident, style, toks)]

    # --- ids -----------------------------------------------------------
    def rs(self, chars, n):
        return "".join(self.r.choice(chars) for _ in range(n))

    def new_id(self, t):
        k = t["idkind"]
        if k == "seq":
            t["seq"] += self.r.randint(1, 3)
            return str(t["seq"])
        if k == "uuid":
            h = self.rs(HEX, 32)
            return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20],
                                       h[20:])
        if k == "hex":
            return self.rs(HEX, 24)
        if k == "lower":
            return self.rs(LOWER, t["codelen"])
        return self.code(t["codelen"])

    def next_of(self, name, styles):
        """The styles in turn, so that a small set has every one."""
        i = self.turn.get(name, 0)
        self.turn[name] = i + 1
        return styles[i % len(styles)]

    # --- templates -----------------------------------------------------
    def template(self, cid):
        t = super().template(cid)
        r = self.r
        t["esp"] = self.next_of("esp", ESPS)
        t["idkind"] = r.choice(["alnum", "alnum", "alnum", "seq", "uuid",
                                "hex", "lower"])
        t["codelen"] = r.choice([6, 8, 12, 16, 22, 32])
        t["seq"] = r.randint(1000, 9000000)
        # links the mail service wraps (the same in every copy)
        t["wrapped"] = [t["esp"] != "none" and r.random() < 0.8
                        for _ in t["links"]]
        t["styles"] = [None if w else self.next_of("id", ID_STYLES)
                       for w in t["wrapped"]]
        t["pnames"] = [r.choice(["u", "uid", "sid", "r", "id", "subscriber",
                                 "s", "rid", "contact", "m"])
                       for _ in t["links"]]
        t["consts"] = sorted(set(self.next_of("const", CONST_STYLES)
                                 for _ in range(r.randint(0, 3))))
        t["bugstyle"] = self.next_of("bug", BUG_STYLES)
        brand = t["brand"].lower()
        t["shop"] = "shop.%s.example" % brand
        t["camp"] = r.choice(["spring", "autumn", "weekly", "launch",
                              "promo"]) + r.choice(["", "_2025", "-03"])
        t["const"] = {}         # constant parts, chosen once
        t["acct"] = self.rs(HEX, 25)
        t["cfg"] = self.rs(LOWER, 8)
        t["sgacct"] = "u%d" % r.randint(1000000, 40000000)
        t["hsmi"] = str(r.randint(100000000, 399999999))
        t["mcid"] = self.rs(HEX, 10)
        t["kacct"] = self.rs("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6)
        # a ULID's time: when the campaign went out (2024 to 2025)
        ms = r.randint(1704067200000, 1767225600000)
        t["ulidtime"] = "".join(CROCKFORD[(ms >> (5 * (9 - k))) & 31]
                                for k in range(10))
        t["cmx"] = r.choice(CM_LETTERS)
        t["cmcamp"] = self.rs(CM_LETTERS, r.randint(6, 8))
        t["cmhost"] = r.choice(["news", "links", "click"])
        t["unsubstyle"] = r.choice(["b64", "b64", "q-rid", "addr-pct"])
        for i in range(len(t["links"])):
            t["const"]["link%d" % i] = self.rs(HEX, 10)
        return t

    # --- one link ------------------------------------------------------
    def dest(self, t, anchor_path):
        return "https://%s%s" % (t["shop"], anchor_path)

    def addr_forms(self, addr):
        b = addr.encode()
        return {
            "addr-plain": addr,
            "addr-pct": quote(addr, safe=""),
            "addr-b64": base64.urlsafe_b64encode(b).decode().rstrip("="),
            "addr-b64std": quote(base64.b64encode(b).decode(), safe=""),
            "addr-hex": b.hex(),
            "addr-md5": hashlib.md5(b).hexdigest(),
            "addr-md5-upper": hashlib.md5(b).hexdigest().upper(),
            "addr-sha1": hashlib.sha1(b).hexdigest(),
            "addr-sha256": hashlib.sha256(b).hexdigest(),
            "addr-local": addr.split("@")[0],
        }

    def id_link(self, t, style, path, pname, rid, addr):
        """One identifying link: (url, tokens); pname is the name of its
        id parameter."""
        r = self.r
        d = t["domain"]
        forms = self.addr_forms(addr)
        if style == "q-code":
            c = self.new_id(t)
            return "https://%s%s?%s=%s" % (d, path, pname, c), [c]
        if style == "q-rid":
            return "https://%s%s?ref=email&%s=%s" % (d, path, pname, rid), \
                [rid]
        if style == "path-code":
            c = self.new_id(t)
            seg = r.choice(["r", "t", "c", "go", "l"])
            return "https://%s/%s/%s%s" % (d, seg, c, path), [c]
        if style == "sub-code":
            c = self.rs(LOWER, r.choice([8, 12, 16]))
            return "https://%s.click.%s%s" % (c, d, path), [c]
        if style == "frag-code":
            c = self.new_id(t)
            return "https://%s%s#%s=%s" % (d, path, pname, c), [c]
        if style == "seq":
            t["seq"] += 1
            return "https://%s%s?n=%d" % (d, path, t["seq"]), [
                str(t["seq"])]
        if style == "seq-path":
            t["seq"] += 1
            return "https://%s/m/%d%s" % (d, t["seq"], path), [
                str(t["seq"])]
        if style == "addr-b64json":
            blob = json.dumps({"email": addr, "list": 7, "c": t["id"]},
                              separators=(",", ":"))
            v = base64.urlsafe_b64encode(blob.encode()).decode().rstrip("=")
            return "https://%s%s?p=%s" % (d, path, v), [v]
        if style in forms:
            v = forms[style]
            if style in ("addr-hex", "addr-sha256") and r.random() < 0.5:
                return "https://%s/u/%s%s" % (d, v, path), [v]
            key = {"addr-plain": "email", "addr-pct": "email",
                   "addr-local": "user"}.get(style, pname)
            return "https://%s%s?%s=%s&lang=en" % (d, path, key, v), [v]
        dest = self.dest(t, path)
        if style == "wrap-outer":
            c = self.new_id(t)
            return "https://click.%s/r?%s=%s&url=%s" % (
                d, pname, c, quote(dest, safe="")), [c]
        if style == "wrap-dest":
            c = self.new_id(t)
            inner = "%s?uid=%s" % (dest, c)
            return "https://click.%s/r?url=%s" % (
                d, quote(inner, safe="")), [quote(c, safe="")]
        if style == "wrap-path":
            c = self.new_id(t)
            return "https://%s/redirect/%s/%s" % (
                d, c, quote(dest, safe="")), [c]
        if style == "wrap-b64":
            # Sailthru: base64url in a path segment, a signature after it
            # (the truth tokens must be the URL's bytes: the run; the e2e
            # test checks the id inside is gone from the clean form)
            c = self.new_id(t)
            inner = "%s?uid=%s" % (dest, c)
            v = base64.urlsafe_b64encode(inner.encode()).decode().rstrip("=")
            sig = self.rs(HEX, 32)
            # the ids before it are the campaign's and the link's
            return "https://link.%s/click/%s.%d/%s/%s" % (
                d, t["id"], len(path), v, sig), [v, sig]
        if style == "wrap-b64q":
            # ActiveCampaign: base64 of the percent-encoded URL in a query
            # value, the address beside it
            c = self.new_id(t)
            inner = quote("%s?uid=%s" % (dest, c), safe="")
            v = base64.b64encode(inner.encode()).decode()
            return "https://click.%s/Prod/link-tracker?redirectUrl=%s&a=%s" \
                "&email=%s" % (d, v, t["id"], forms["addr-pct"]), \
                [v, forms["addr-pct"]]
        if style == "wrap-addr":
            inner = "%s?email=%s" % (dest, forms["addr-pct"])
            return "https://click.%s/r?url=%s" % (
                d, quote(inner, safe="")), [
                    quote(forms["addr-pct"], safe="")]
        raise ValueError(style)

    def esp_click(self, t, i, path, sub, addr):
        """A click link of the template's mail service: (url, style,
        tokens), or None when the service has no click links here."""
        r = self.r
        esp = t["esp"]
        dest = self.dest(t, path)
        if esp == "mailchimp":
            if r.random() < 0.5:
                return ("https://%s.us%d.list-manage.com/track/click?u=%s"
                        "&id=%s&e=%s" % (t["brand"].lower(),
                                         len(t["brand"]), t["acct"],
                                         t["const"]["link%d" % i], sub),
                        "esp-mailchimp-click", [sub])
            return ("%s?mc_cid=%s&mc_eid=%s" % (dest, t["mcid"], sub),
                    "esp-mailchimp-eid", [sub])
        if esp == "sendgrid":
            v = self.rs(B64URL, r.randint(90, 200))
            host = r.choice(["%s.ct.sendgrid.net" % t["sgacct"],
                             "links.%s" % t["domain"]])
            return ("https://%s/ls/click?upn=%s" % (host, v),
                    "esp-sendgrid-click", [v])
        if esp == "ses":
            sesid = "0100018%s-%s-%s-%s-%s-%s-000000" % (
                self.rs(HEX, 9), self.rs(HEX, 8), self.rs(HEX, 4),
                self.rs(HEX, 4), self.rs(HEX, 4), self.rs(HEX, 12))
            sig = self.rs(B64URL[:62], 43) + "="
            return ("https://%s.r.us-east-1.awstrack.me/L0/%s/1/%s/%s%d"
                    % (t["cfg"], quote(dest, safe=":"), sesid, sig, r.randint(100, 400)),
                    "esp-ses-click", [sesid, sig])
        if esp == "mailgun":
            v = "eJ" + self.rs(B64URL, r.randint(60, 140))
            return ("https://email.%s/c/%s" % (t["domain"], v),
                    "esp-mailgun-click", [v])
        if esp == "campaignmonitor":
            # on the customer's own domain; the link's id is the same in
            # every copy, the subscriber's (from sub) is not
            cm = "".join(CM_LETTERS[int(c, 16)] for c in sub)
            return ("https://%s.%s/t/%s-l-%s-%s-%s/" % (
                t["cmhost"], t["domain"], t["cmx"], t["cmcamp"], cm,
                CM_LETTERS[i % 16]), "esp-cm-click", [cm])
        if esp == "klaviyo":
            x = r.random()
            if x < 0.25:
                # the profile's ULID (the time and 16 random characters)
                v = t["ulidtime"] + self.rs(CROCKFORD, 16)
                return ("https://manage.kmail-lists.com/subscriptions/"
                        "web-view?a=%s&c=%s" % (t["kacct"], v),
                        "esp-klaviyo-ulid", [v])
            if x < 0.6:
                v = self.rs(B64URL, r.randint(80, 160))
                return ("https://trk.klclick%d.com/ls/click?upn=%s" % (
                    r.randint(1, 3), v), "esp-klaviyo-click", [v])
            v = "%s.%s" % (self.rs(B64URL[:62], 40), t["kacct"])
            return ("%s?utm_source=klaviyo&utm_medium=email&_kx=%s" % (
                dest, v), "esp-klaviyo-kx", [v])
        if esp == "hubspot":
            v = "p2ANqtz-" + self.rs(B64URL, r.randint(60, 100))
            return ("%s?utm_campaign=%s&utm_medium=email&_hsmi=%s&_hsenc=%s"
                    "&utm_source=hs_email" % (dest, t["camp"], t["hsmi"],
                                              v), "esp-hubspot", [v])
        if esp == "marketo":
            v = self.rs(B64URL[:62], r.randint(80, 120))
            return ("%s?mkt_tok=%s" % (dest, v), "esp-marketo", [v])
        return None

    def esp_open(self, t, sub):
        """The open pixel of the template's mail service: (url, tokens),
        or None."""
        esp = t["esp"]
        if esp == "mailchimp":
            return ("https://%s.us%d.list-manage.com/track/open.php?u=%s"
                    "&id=%s&e=%s" % (t["brand"].lower(), len(t["brand"]),
                                     t["acct"], t["mcid"], sub), [sub])
        if esp == "sendgrid":
            v = self.rs(B64URL, self.r.randint(90, 200))
            return ("https://%s.ct.sendgrid.net/wf/open?upn=%s" % (
                t["sgacct"], v), [v])
        if esp == "ses":
            v = self.rs(HEX, 16) + "-" + self.rs(HEX, 8)
            return ("https://%s.r.us-east-1.awstrack.me/I0/0100018%s/%s" % (
                t["cfg"], v, "AbC" + self.rs(B64URL[:62], 30)),
                ["0100018" + v])
        if esp == "mailgun":
            v = "eJ" + self.rs(B64URL, 80)
            return ("https://email.%s/o/%s" % (t["domain"], v), [v])
        if esp == "campaignmonitor":
            cm = "".join(CM_LETTERS[int(c, 16)] for c in sub)
            return ("https://%s.%s/t/%s-o-%s-%s/o.gif" % (
                t["cmhost"], t["domain"], t["cmx"], t["cmcamp"], cm), [cm])
        return None

    def const_link(self, t, style):
        """A link the same in every copy: its url, chosen once."""
        key = "c-" + style
        if key in t["const"]:
            return t["const"][key]
        r = self.r
        brand = t["brand"].lower()
        noun = r.choice(TOPIC_NOUNS)
        if style == "const-plain":
            u = "https://www.%s.example/%s" % (brand, noun)
        elif style == "const-utm":
            u = ("https://%s/%s?utm_source=newsletter&utm_medium=email"
                 "&utm_campaign=%s" % (t["shop"], noun, t["camp"]))
        elif style == "const-cid":
            u = "https://%s/offers/%s?cid=%s" % (t["domain"], noun,
                                                 t["camp"])
        elif style == "const-cid-hex":
            u = "https://%s/c/%s?campaign=%s" % (t["domain"], noun,
                                                 self.rs(HEX, 24))
        elif style == "const-gdoc":
            u = "https://docs.google.com/document/d/%s/edit?usp=sharing" % (
                "1" + self.rs(B64URL, 43))
        elif style == "const-share":
            u = "https://files.%s/s/%s" % (t["domain"], self.code(22))
        elif style == "const-youtube":
            u = "https://www.youtube.com/watch?v=%s" % self.rs(B64URL, 11)
        elif style == "const-product":
            u = "https://%s/p/%d-%s" % (t["shop"], r.randint(10 ** 7,
                                                             10 ** 8), noun)
        else:
            u = "https://%s/blog/2025/03/%s-%s-%s" % (
                t["domain"], noun, r.choice(TOPIC_NOUNS),
                r.choice(["guide", "tips", "news"]))
        t["const"][key] = u
        return u

    def bug_html(self, style, url):
        if style == "bug-1x1":
            return '<img src="%s" width="1" height="1" alt="">' % url
        if style == "bug-css-1x1":
            return ('<img src="%s" alt="" style="width:1px;height:1px;'
                    'border:0">' % url)
        if style == "bug-display-none":
            return '<img src="%s" alt="" style="display:none">' % url
        if style == "bug-visibility-hidden":
            return ('<img src="%s" width="10" height="10" alt="" '
                    'style="visibility:hidden">' % url)
        if style == "bug-opacity-0":
            return ('<img src="%s" width="20" height="20" alt="" '
                    'style="opacity:0">' % url)
        if style == "bug-zero":
            return '<img src="%s" width="0" height="0" alt="">' % url
        return ('<div style="display:none"><img src="%s" width="40" '
                'height="40" alt=""></div>' % url)

    # --- one copy ------------------------------------------------------
    def reg(self, url, ident, style, tokens):
        for tok in tokens:
            assert tok in url, (tok, url)
        self.cur[url] = (ident, style, list(tokens))
        return url

    def campaign_copy(self, t, person):
        subject, headers, doc, fmt, _ = super().campaign_copy(t, person)
        r = self.r
        addr = person[2]
        rid = self.new_id(t)
        sub = self.rs(HEX, 10)
        tokens = []
        links = []
        for i, (anchor, path) in enumerate(t["links"]):
            esp = None
            if t["wrapped"][i]:
                esp = self.esp_click(t, i, path, sub, addr)
            if esp is None and t["styles"][i] is None:
                t["styles"][i] = self.next_of("id", ID_STYLES)
            if esp is not None:
                url, style, toks = esp
            else:
                style = t["styles"][i]
                url, toks = self.id_link(t, style, path, t["pnames"][i],
                                         rid, addr)
            links.append((anchor, self.reg(url, True, style, toks)))
            tokens += toks
        for style in t["consts"]:
            url = self.const_link(t, style)
            links.append((style.split("-")[1].capitalize(),
                          self.reg(url, False, style, [])))
        # unsubscribe: in the footer and List-Unsubscribe
        forms = self.addr_forms(addr)
        us = t["unsubstyle"]
        if us == "b64":
            tok = forms["addr-b64"]
            unsub = "https://%s/unsubscribe/%s" % (t["domain"], tok)
        elif us == "addr-pct":
            tok = forms["addr-pct"]
            unsub = "https://%s/unsubscribe?email=%s" % (t["domain"], tok)
        else:
            tok = rid
            unsub = "https://%s/unsubscribe?id=%s" % (t["domain"], tok)
        self.reg(unsub, True, "unsub-" + us, [tok])
        tokens.append(tok)
        bug = None
        if t["webbug"]:
            o = self.esp_open(t, sub)
            if o is None:
                c = self.new_id(t)
                o = (r.choice(["https://img.%s/o/%s.gif",
                               "https://%s/open?id=%s",
                               "https://%s/pixel/%s.png"]) % (
                    t["domain"], c), [c])
            bug = self.reg(o[0], True, t["bugstyle"], o[1])
            tokens += o[1]
        logo = self.reg("https://%s/img/logo.png" % t["domain"], False,
                        "const-img", [])
        doc.update(links=links, unsub=unsub, bug=bug, logo=logo,
                   bugstyle=t["bugstyle"])
        headers = [h for h in headers if h[0] != "List-Unsubscribe"]
        headers.append(("List-Unsubscribe", "<%s>" % unsub))
        return subject, headers, doc, fmt, tokens

    def render_html(self, d):
        out = super().render_html(d)
        if "logo" in d:
            out = out.replace(
                "<body>", '<body>\n<img src="%s" width="120" height="40" '
                'alt="%s">' % (d["logo"], d["brand"]), 1)
        if d.get("bug"):
            old = '<img src="%s" width="1" height="1" alt="">' % d["bug"]
            out = out.replace(old, self.bug_html(d["bugstyle"], d["bug"]))
        return out

    # --- truth per link --------------------------------------------------
    def write(self, group, kind, person, frm_headers, subject, body_part,
              tokens, extra=()):
        super().write(group, kind, person, frm_headers, subject, body_part,
                      tokens, extra)
        row = self.truth[-1]
        addr = person[2]
        found = []
        for url in message_urls(self.msgs[-1]):
            if url in self.cur:
                ident, style, toks = self.cur[url]
            else:
                # mail of the base generator (list footers): the
                # recipient's address or a code of the message
                toks = [x for x in tokens if x in url]
                if addr in url:
                    toks.append(addr)
                ident, style = bool(toks), "base"
            found.append((url, ident, style, toks))
        missing = set(self.cur) - set(u for u, _, _, _ in found)
        assert not missing or kind == "campaign", missing
        self.links_of[id(row)] = (row, found)
        self.cur = {}

    # --- one-to-one mail with links --------------------------------------
    def transactional(self):
        r = self.r
        for i in range(int(150 * self.scale)):
            person = r.choice(self.people)
            # one-to-one: a service of its own, so that no two of these
            # messages form a campaign
            svc = r.choice(SERVICES) + r.choice(["", "Pro", "Hub", "Go",
                                                 "Now", "Plus", "Box"])
            host = "%s%d.example" % (svc.lower(), r.randint(1, 99))
            what = r.choice(["reset", "verify", "invoice", "order", "magic",
                             "shipping", "receipt"])
            links = []
            if what == "reset":
                links.append(("Reset your password",
                              "https://account.%s/reset-password?token=%s"
                              % (host, self.rs(B64URL, r.choice([32, 43])))))
            elif what == "verify":
                links.append(("Confirm your address",
                              "https://app.%s/verify/%s" % (
                                  host, self.code(r.choice([24, 40])))))
            elif what == "invoice":
                links.append(("Your invoice",
                              "https://billing.%s/invoices/INV-2025-%06d" % (
                                  host, r.randint(1, 999999))))
                links.append(("Download PDF",
                              "https://billing.%s/invoice/%s/pdf" % (
                                  host, self.uuid())))
            elif what == "order":
                links.append(("View your order",
                              "https://www.%s/orders/%d?key=wc_order_%s" % (
                                  host, r.randint(10 ** 8, 10 ** 9),
                                  self.code(13))))
            elif what == "magic":
                links.append(("Sign in",
                              "https://app.%s/magic?t=%s&utm_source=email"
                              "&utm_medium=transactional" % (
                                  host, self.rs(B64URL, 48))))
            elif what == "shipping":
                links.append(("Track your parcel",
                              "https://track.%s/?tracking=1Z%s" % (
                                  host, self.rs("0123456789ABCDEFGHJKLMNPRS"
                                                "TUVWXYZ", 16))))
            else:
                links.append(("Receipt",
                              "https://pay.%s/receipts/%s" % (
                                  host, self.rs(HEX, 32))))
            links.append(("Help", "https://help.%s/" % host))
            for _, url in links:
                self.reg(url, False, "trans-" + what, [])
            text = "Hello %s,\n\n%s\n\n" % (
                person[0].capitalize(), TRANS_TEXT[what])
            for anchor, url in links:
                text += "%s: %s\n" % (anchor, url)
            # a line or two of their own, so that no two are alike
            own = self.personal_text("", r.randint(3, 5)).strip()
            text += "\n" + own
            text += "\n\nThe %s team\n" % svc
            html_part = r.random() < 0.5
            if html_part:
                body = "<html><body><p>Hello %s,</p><p>%s</p>" % (
                    person[0].capitalize(), TRANS_TEXT[what])
                for anchor, url in links:
                    body += '<p><a href="%s">%s</a></p>' % (
                        html.escape(url), anchor)
                body += "<p>%s</p><p>The %s team</p>" % (own, svc)
                logo = "https://static.%s/logo.png" % host
                self.reg(logo, False, "trans-logo", [])
                body += '<img src="%s" width="140" height="48" alt="%s">' % (
                    logo, svc)
                body += "</body></html>\n"
                part = self.encode(body, "text/html")
            else:
                part = self.encode(text, "text/plain")
            self.write("transactional-%d" % i, "transactional", person,
                       [("From", "%s <no-reply@%s>" % (svc, host))],
                       "%s: %s" % (svc, TRANS_SUBJ[what]), part, [])

    def uuid(self):
        h = self.rs(HEX, 32)
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])

    def personal_links(self):
        r = self.r
        for i in range(int(150 * self.scale)):
            frm, to = r.sample(self.people, 2)
            urls = []
            for _ in range(r.randint(1, 3)):
                kind, url = self.shared_link()
                urls.append(url)
                self.reg(url, False, "personal-" + kind, [])
            text = self.personal_text("Hi %s," % to[0].capitalize(),
                                      r.randint(3, 6))
            text += "\n" + "\n".join(urls) + "\n\n%s\n" % (
                frm[0].capitalize())
            self.write("personal-L%d" % i, "personal", to,
                       [("From", "%s <%s>" % (frm[0].capitalize(), frm[2]))],
                       r.choice(["have a look", "the link", "this one",
                                 "found it", "photos"]),
                       self.encode(text, "text/plain"), [])

    def shared_link(self):
        r = self.r
        k = r.choice(["gdoc", "drive", "dropbox", "youtube", "github",
                      "zoom", "article", "article-utm", "maps", "photos",
                      "wetransfer", "wiki", "product"])
        if k == "gdoc":
            return k, "https://docs.google.com/document/d/1%s/edit" % (
                self.rs(B64URL, 43))
        if k == "drive":
            return k, "https://drive.google.com/file/d/1%s/view?usp=sharing" \
                % self.rs(B64URL, 32)
        if k == "dropbox":
            return k, "https://www.dropbox.com/s/%s/%s.pdf?dl=0" % (
                self.rs(LOWER, 15), r.choice(TOPIC_NOUNS))
        if k == "youtube":
            return k, "https://www.youtube.com/watch?v=%s" % self.rs(B64URL,
                                                                      11)
        if k == "github":
            return k, "https://github.com/%s/%s/commit/%s" % (
                r.choice(TOPIC_NOUNS), r.choice(TOPIC_NOUNS),
                self.rs(HEX, 40))
        if k == "zoom":
            return k, "https://us02web.zoom.us/j/%d?pwd=%s" % (
                r.randint(10 ** 10, 10 ** 11), self.code(32))
        if k == "article":
            return k, "https://news.example/%d/%02d/%s-%s-%s" % (
                r.randint(2019, 2025), r.randint(1, 12),
                r.choice(TOPIC_NOUNS), r.choice(TOPIC_NOUNS),
                r.choice(TOPIC_NOUNS))
        if k == "article-utm":
            return k, ("https://magazine.example/stories/%s-%s?utm_source="
                       "newsletter&utm_medium=email&utm_campaign=%s" % (
                           r.choice(TOPIC_NOUNS), r.choice(TOPIC_NOUNS),
                           r.choice(["weekly", "digest", "sunday"])))
        if k == "maps":
            return k, "https://maps.example/place/%s+%s/@51.%d,-0.%d,17z" % (
                r.choice(TOPIC_NOUNS).capitalize(), r.choice(["Cafe", "Park",
                                                              "Hall"]),
                r.randint(1000, 9999), r.randint(1000, 9999))
        if k == "photos":
            return k, "https://photos.app.goo.gl/%s" % self.code(17)
        if k == "wetransfer":
            return k, "https://we.tl/t-%s" % self.code(10)
        if k == "wiki":
            return k, "https://en.wikipedia.org/wiki/%s" % (
                r.choice(TOPIC_NOUNS).capitalize())
        return k, "https://www.shop.example/dp/B0%s" % self.rs(
            "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", 8)

    def finish(self):
        super().finish()
        import os
        with open(os.path.join(self.out, "truth-links.tsv"), "w",
                  encoding="utf-8") as f:
            f.write("file\turl\tidentifying\tstyle\ttokens\n")
            for row, found in sorted(self.links_of.values(),
                                     key=lambda x: x[0][0]):
                for url, ident, style, toks in found:
                    f.write("%s\t%s\t%s\t%s\t%s\n" % (
                        row[0], url, "yes" if ident else "no", style,
                        ",".join(toks) or "-"))


TOPIC_NOUNS = """garden recipe kitchen summer winter travel shoes jacket
    budget savings coffee bike camera laptop sofa lamp tent boots""".split()
TRANS_TEXT = {
    "reset": "We received a request to reset the password of your account. "
             "The link below is valid for one hour.",
    "verify": "Please confirm your e-mail address to finish setting up "
              "your account.",
    "invoice": "Your invoice for this month is ready.",
    "order": "Thank you for your order. We will let you know when it "
             "ships.",
    "magic": "Use the link below to sign in. It works once.",
    "shipping": "Your parcel is on its way.",
    "receipt": "Here is the receipt for your payment.",
}
TRANS_SUBJ = {"reset": "reset your password", "verify": "confirm your address",
              "invoice": "your invoice", "order": "order confirmation",
              "magic": "your sign-in link", "shipping": "your parcel",
              "receipt": "payment receipt"}


def message_urls(text):
    """Distinct URLs of one generated message, in order: List-Unsubscribe,
    then hrefs and srcs of HTML parts (entities decoded), then URLs of
    text parts."""
    msg = email.message_from_string(text)
    out = []
    lu = msg.get("List-Unsubscribe")
    if lu:
        out += re.findall(r"<([^>]+)>", lu)
    for part in msg.walk():
        if part.is_multipart():
            continue
        body = part.get_payload(decode=True).decode("utf-8")
        if part.get_content_type() == "text/html":
            out += [html.unescape(u) for u in
                    re.findall(r'(?:href|src)="([^"]*)"', body)]
        else:
            out += re.findall(r'https?://[^\s<>"]+', body)
    seen, res = set(), []
    for u in out:
        if u not in seen:
            seen.add(u)
            res.append(u)
    return res
