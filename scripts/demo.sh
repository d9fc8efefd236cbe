#!/bin/sh
# demo.sh REDFLAG - the README's first command: scan the bundled sample
# mailbox and show what redflag finds in it.
set -eu
bin=${1:-build/redflag}
echo "== redflag scan samples/sample.mbox"
"$bin" scan --no-progress samples/sample.mbox
