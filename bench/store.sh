#!/bin/sh
# store.sh - benchmarks of the campaign store (docs/store.md), SQLite and
# Redis side by side:
#  (b) distinct campaigns: 1,000,000 in SQLite (10,000 per transaction)
#      and in Redis (one local redis-server): time and space
#  (a) one campaign of 50,000,000 recipients (10,000 per copy): counting
#      error and the space it takes; in Redis measured in the store that
#      (b) filled, so that the shared band buckets exist (what one more
#      campaign costs), and in an empty one; and again with its first 16
#      copies sent to one recipient each (samples with the recipient's id)
#  (c) copies per second, insert then lookup: SQLite with 1,000 adds per
#      transaction (as `redflag scan --db` does), without the campaign
#      cache, and one transaction per add (as the milter does); Redis
# Run from the top of the tree: sh bench/store.sh [BUILD].  Sizes can be
# made smaller: BIG=5000000 CAMPAIGNS=100000 RCAMPAIGNS=20000 COPIES=50000
set -eu
build=${1:-build}
big=${BIG:-50000000}
campaigns=${CAMPAIGNS:-1000000}
rcampaigns=${RCAMPAIGNS:-1000000}
copies=${COPIES:-200000}
pkgs="gmime-3.0 libxml-2.0 liburiparser libidn2 libpsl libxxhash libcrypto sqlite3 hiredis libsodium libmicrohttpd"

make -s BUILD="$build" "$build/libredflag.a"
mkdir -p "$build/bench"
# shellcheck disable=SC2046
cc -std=c11 -D_GNU_SOURCE -O2 -Iinclude -Itests/unit $(pkg-config --cflags $pkgs) \
    -o "$build/bench/store_bench" bench/store_bench.c "$build/libredflag.a" \
    $(pkg-config --libs $pkgs) -lm
sb=$build/bench/store_bench

. tests/redis.sh
tmp=$(mktemp -d)
trap 'redis_stop; rm -rf "$tmp"' EXIT INT TERM

val() { sed -n "s/^$1 //p" "$2"; }

echo "== machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   (rates per CPU second are what one core does; wall-clock rates"
echo "   suffer when other work shares the machine)"

have_redis=
rv=-
if command -v redis-server >/dev/null 2>&1 && redis_start "$tmp"; then
	have_redis=1
	port=$redis_port
	# the slow log keeps the arguments of slow commands (the scripts
	# with 10,000 recipients): off, so that used_memory counts data only
	redis-cli -p "$port" CONFIG SET slowlog-log-slower-than -1 >/dev/null
	rv=$(redis-server --version | cut -d' ' -f3)
fi
mu() { redis-cli -p "$port" MEMORY USAGE "$1" | sed 's/^$/0/'; }
used() { redis-cli -p "$port" INFO memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p'; }
buckets_mu() {
	t=0
	for b in $("$sb" buckets "$1"); do t=$((t + $(mu "$b"))); done
	echo $t
}

echo "== (b) $campaigns distinct campaigns, SQLite, 10,000 per transaction"
"$sb" distinct "sqlite:$tmp/distinct.db" "$campaigns" | tee "$tmp/bs"
fb=$(stat -c %s "$tmp/distinct.db")
echo "file_bytes $fb ($((fb / campaigns)) per campaign)" | tee -a "$tmp/bs"
rm -f "$tmp"/distinct.db*

if [ -n "$have_redis" ]; then
	echo "== (b) $rcampaigns distinct campaigns, Redis $rv"
	u0=$(used)
	"$sb" distinct "redis://127.0.0.1:$port/rf" "$rcampaigns" | tee "$tmp/br"
	u1=$(used)
	echo "used_memory_delta $((u1 - u0)) ($(((u1 - u0) / rcampaigns)) per campaign)" | tee -a "$tmp/br"
	echo "band buckets: $(redis-cli -p "$port" --scan --pattern 'rf:b:*' | wc -l) keys"
fi

# sqlite_space FILE: what the campaign of big takes in the SQLite FILE
sqlite_space() {
python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda s: db.execute(s).fetchone()[0] or 0
hll = q("SELECT sum(length(regs)) FROM hll")
row = q("SELECT sum(length(cid) + length(fp) + coalesce(length(subject), 0)"
        " + 8 * 7) FROM campaign")
band = q("SELECT count(*) FROM band") * 16
samp = q("SELECT sum(length(links) + 16) FROM sample")
total = hll + row + band + samp
print("space: HLL %d + campaign row %d + band keys %d + link samples %d"
      " = %d bytes (%.1f KiB), limit 16384" % (hll, row, band, samp,
      total, total / 1024.0))
print("bytes %d" % total)
if db.execute("SELECT 1 FROM pragma_module_list WHERE name='dbstat'"
              ).fetchone():
    print("on disk: the counter's table %d bytes (pages with overflow); "
          "the whole file %d pages of 4 KiB, one root page per table and "
          "index" % (q("SELECT sum(pgsize) FROM dbstat WHERE name = 'hll'"),
          q("SELECT count(*) FROM dbstat")))
PY
}

echo "== (a) one campaign, $big recipients (10,000 per copy), SQLite"
"$sb" big "sqlite:$tmp/big.db" "$big" | tee "$tmp/a"
sqlite_space "$tmp/big.db" | tee -a "$tmp/a"
# the same with its first 16 copies (the samples) sent to one recipient
# each, as the milter and scan --db add most copies: each sample then
# ends with the recipient's id line (docs/store.md, "Link samples")
echo "== (a) the same, its first 16 copies to one recipient each, SQLite"
STORE_BENCH_ONE_RCPT=16 "$sb" big "sqlite:$tmp/big1.db" "$big" | tee "$tmp/a1"
sqlite_space "$tmp/big1.db" | tee -a "$tmp/a1"

if [ -n "$have_redis" ]; then
	for pfx in rf lone one; do
		one=0
		if [ $pfx = rf ]; then
			echo "== (a) the same in Redis $rv, in the store of (b)"
		elif [ $pfx = lone ]; then
			echo "== (a) the same in Redis, alone under a prefix of its own"
		else
			echo "== (a) the same, its first 16 copies to one recipient each, alone"
			one=16
		fi
		b0=$(buckets_mu $pfx)
		z0=$(mu $pfx:z)
		u0=$(used)
		STORE_BENCH_ONE_RCPT=$one "$sb" big "redis://127.0.0.1:$port/$pfx" "$big" > "$tmp/ar"
		u1=$(used)
		cat "$tmp/ar"
		id=$(val id "$tmp/ar")
		c=$(mu "$pfx:c:$id")
		h=$(mu "$pfx:h:$id")
		b=$(($(buckets_mu $pfx) - b0))
		z=$(($(mu $pfx:z) - z0))
		total=$((c + h + b + z))
		echo "MEMORY USAGE: $pfx:c:ID $c (header, fingerprint, subject, samples of $(redis-cli -p "$port" STRLEN "$pfx:c:$id") bytes) + $pfx:h:ID $h (HLL) + the 16 band buckets grew $b + $pfx:z grew $z"
		echo "space: $total bytes ($((total * 10 / 1024)) dKiB), limit 16384; used_memory grew $((u1 - u0))"
		echo "bytes $total" >> "$tmp/ar"
		echo "used_delta $((u1 - u0))" >> "$tmp/ar"
		cp "$tmp/ar" "$tmp/ar_$pfx"
	done
fi

echo "== (c) SQLite: $copies copies of 1,000 campaigns, 1,000 per transaction"
"$sb" rate "sqlite:$tmp/rate.db" "$copies" 1000 1000 | tee "$tmp/cs"
echo "== (c) the same, campaign cache off"
STORE_BENCH_NOCACHE=1 "$sb" rate "sqlite:$tmp/rate2.db" "$copies" 1000 1000 | tee "$tmp/cs2"
echo "== (c) SQLite: 20,000 copies, each add its own transaction (durable per copy)"
"$sb" rate "sqlite:$tmp/rate3.db" 20000 1000 1 | tee "$tmp/cs3"
rm -f "$tmp"/rate*.db*

if [ -n "$have_redis" ]; then
	echo "== (c) Redis: $((copies / 4)) copies of 1,000 campaigns (one round trip per cached copy)"
	"$sb" rate "redis://127.0.0.1:$port/rate" $((copies / 4)) 1000 1 | tee "$tmp/cr"
fi

echo
echo "== summary (per CPU second: one core; Redis: the client's CPU)"
printf '%-44s %14s %14s\n' "" "SQLite" "Redis $rv"
r() { if [ -n "$have_redis" ]; then val "$1" "$2"; else echo -; fi; }
# row LABEL KEY SQLITE_FILE REDIS_FILE: one line of the summary
row() {
	printf '%-44s %14s %14s\n' "$1" "$(val "$2" "$3")" "$(r "$2" "$4")"
}
row "copies added per CPU s (insert)" adds_per_cpu_s "$tmp/cs" "$tmp/cr"
row "lookups per CPU s" lookups_per_cpu_s "$tmp/cs" "$tmp/cr"
row "copies added per wall s" adds_per_s "$tmp/cs" "$tmp/cr"
row "copies per CPU s, durable per copy" adds_per_cpu_s "$tmp/cs3" /dev/null
row "50M-recipient campaign: error %" error_pct "$tmp/a" "$tmp/ar_rf"
row "50M-recipient campaign: bytes (limit 16384)" bytes "$tmp/a" "$tmp/ar_rf"
row "  the same, alone in the store" bytes "$tmp/a" "$tmp/ar_lone"
row "  the same, 16 samples with a recipient id" bytes "$tmp/a1" "$tmp/ar_one"
row "distinct campaigns made" campaigns "$tmp/bs" "$tmp/br"
row "  wall seconds" seconds "$tmp/bs" "$tmp/br"
row "  CPU seconds (Redis: the client's)" cpu_seconds "$tmp/bs" "$tmp/br"
printf '%-44s %14s %14s\n' "  bytes (file; Redis used_memory)" \
    "$(val file_bytes "$tmp/bs" | cut -d' ' -f1)" \
    "$(r used_memory_delta "$tmp/br" | cut -d' ' -f1)"
