#!/bin/sh
# store.sh - benchmarks of the campaign store (docs/store.md):
#  (a) one campaign of 50,000,000 recipients: counting error and the
#      store space it takes (SQLite and Redis)
#  (b) 1,000,000 distinct campaigns in SQLite: time and file size
#  (c) SQLite copies per second: batched (1,000 adds per transaction) and
#      durable per copy, with and without the campaign cache; lookups
#  (d) Redis copies per second with one local redis-server
# Run from the top of the tree: sh bench/store.sh [BUILD].  Sizes can be
# made smaller: BIG=5000000 CAMPAIGNS=100000 COPIES=50000 sh bench/store.sh
set -eu
build=${1:-build}
big=${BIG:-50000000}
campaigns=${CAMPAIGNS:-1000000}
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

echo "== (a) one campaign, $big recipients (10,000 per copy), SQLite"
"$sb" big "sqlite:$tmp/big.db" "$big" > "$tmp/a"
cat "$tmp/a"
python3 - "$tmp/big.db" <<'PY'
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
if db.execute("SELECT 1 FROM pragma_module_list WHERE name='dbstat'"
              ).fetchone():
    print("on disk: the counter's table %d bytes (pages with overflow); "
          "the whole file %d pages of 4 KiB, one root page per table and "
          "index" % (q("SELECT sum(pgsize) FROM dbstat WHERE name = 'hll'"),
          q("SELECT count(*) FROM dbstat")))
PY

have_redis=
if command -v redis-server >/dev/null 2>&1 && redis_start "$tmp"; then
	have_redis=1
	port=$redis_port
	echo "== (a) one campaign, $big recipients, Redis $(redis-server --version | cut -d' ' -f3)"
	"$sb" big "redis://127.0.0.1:$port/big" "$big" > "$tmp/ar"
	cat "$tmp/ar"
	id=$(val id "$tmp/ar")
	total=0
	for k in "big:c:$id" "big:h:$id" "big:s:$id" $(redis-cli -p "$port" --scan --pattern 'big:b:*'); do
		m=$(redis-cli -p "$port" MEMORY USAGE "$k")
		case $k in big:b:*) band=$(( ${band:-0} + m )) ;; *) echo "MEMORY USAGE $k: $m" ;; esac
		total=$((total + m))
	done
	echo "MEMORY USAGE band key sets (16): $band"
	echo "space: $total bytes ($((total / 1024)) KiB) in Redis, limit 16384"
fi

echo "== (b) $campaigns distinct campaigns, SQLite, 10,000 per transaction"
"$sb" distinct "sqlite:$tmp/distinct.db" "$campaigns"
echo "file_bytes $(stat -c %s "$tmp/distinct.db") ($(( $(stat -c %s "$tmp/distinct.db") / campaigns )) per campaign)"
rm -f "$tmp"/distinct.db*

echo "== (c) SQLite: $copies copies of 1,000 campaigns, 1,000 per transaction"
"$sb" rate "sqlite:$tmp/rate.db" "$copies" 1000 1000
echo "== (c) the same, campaign cache off"
STORE_BENCH_NOCACHE=1 "$sb" rate "sqlite:$tmp/rate2.db" "$copies" 1000 1000
echo "== (c) SQLite: 20,000 copies, each add its own transaction (durable per copy)"
"$sb" rate "sqlite:$tmp/rate3.db" 20000 1000 1
rm -f "$tmp"/rate*.db*

if [ -n "$have_redis" ]; then
	echo "== (d) Redis: $((copies / 4)) copies of 1,000 campaigns (one round trip per cached copy)"
	"$sb" rate "redis://127.0.0.1:$port/rate" $((copies / 4)) 1000 1
fi
