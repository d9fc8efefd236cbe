# redflag - GNU make with pkg-config.
#
#   make               build/redflag and build/libredflag.a
#   make demo          scan the bundled sample mailbox
#   make test          unit, golden and end-to-end tests of this build
#   make check         everything CI runs: `make test`, the same tests built
#                      with ASan+UBSan, the SpamAssassin corpus under ASan,
#                      and a short run of every fuzz target
#   make fuzz          each libFuzzer target for FUZZ_SECONDS (default 60)
#   make fuzz-strict   one run of fuzz_rewrite with the strict checks for
#                      STRICT_SECONDS (default 600), libFuzzer's SEED
#                      (fuzz/strict.sh; docs/tracking.md)
#   make bench         the benchmarks in bench/
#   make gen           write again the committed sources made by tools/gen*
#   make gen-check     fail while one differs from what its tool prints
#                      (part of `make test`)
#   make install       the binary, the manual pages, the systemd units, the
#                      sysusers.d and tmpfiles.d files and an example
#                      redflag.conf (only where none is): see dist/
#   make uninstall     remove them again (an edited redflag.conf stays)
#
# Variables: BUILD (output folder), SAN=1 (ASan+UBSan), WERROR=1 (warnings
# are errors; on when CI is set), V=1 (show commands), CC, CFLAGS.
# Install: DESTDIR (a staging root), PREFIX (/usr/local), BINDIR
# ($(PREFIX)/bin), MANDIR ($(PREFIX)/share/man), SYSCONFDIR (/etc when
# PREFIX is /usr, else $(PREFIX)/etc), SYSTEMDUNITDIR
# ($(PREFIX)/lib/systemd/system), SYSUSERSDIR ($(PREFIX)/lib/sysusers.d),
# TMPFILESDIR ($(PREFIX)/lib/tmpfiles.d).
# Every lib/*.c is part of libredflag, every src/*.c of the redflag
# command, every tests/unit/test_*.c a cmocka test program, every
# fuzz/fuzz_*.c a libFuzzer target, every tests/e2e/*.sh an end-to-end test.

PKGS := gmime-3.0 libxml-2.0 liburiparser libidn2 libpsl libxxhash \
	libcrypto sqlite3 hiredis libsodium libmicrohttpd

SAN ?=
BUILD ?= $(if $(SAN),build-asan,build)
WERROR ?= $(if $(CI),1,)
CC ?= cc
CFLAGS ?= -O2 -g
FUZZ_SECONDS ?= 60

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null | sed 's/-I/-isystem /g')
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lmilter -lpthread -lm

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wvla -Wno-unused-parameter \
	$(if $(filter 1,$(WERROR)),-Werror,)
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
SANFLAGS := $(if $(SAN),$(SANITIZE),)
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SANFLAGS) \
	-Iinclude -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS := $(SANFLAGS) $(LDFLAGS)

LIB_SRC := $(sort $(wildcard lib/*.c))
SRC_SRC := $(sort $(wildcard src/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
GEN_SRC := $(BUILD)/gen/assets.c

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
SRC_OBJ := $(SRC_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/assets.o
TESTS := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZERS := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)

Q := $(if $(V),,@)
LIB := $(BUILD)/libredflag.a
BIN := $(BUILD)/redflag

.PHONY: all demo test unit check fuzz fuzz-strict fuzz-build bench clean corpus \
	corpus-test install uninstall gen gen-check
.DELETE_ON_ERROR:

all: $(BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Files the binary carries inside itself (web assets, shipped rules).
ASSETS := $(sort $(wildcard data/*.conf web/*))
$(GEN_SRC): tools/embed.sh $(ASSETS)
	@mkdir -p $(dir $@)
	@echo "  EMBED   $(ASSETS)"
	$(Q)sh tools/embed.sh $(ASSETS) > $@

$(LIB): $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(SRC_OBJ) $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(SRC_OBJ) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB) tests/unit/testutil.h
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIB) $(PKG_LIBS) -lcmocka

demo: $(BIN)
	@sh scripts/demo.sh $(BIN)

unit: $(TESTS)

test: gen-check $(BIN) $(TESTS)
	sh tests/run.sh $(BUILD)

# Committed sources generated from others, each with the command that
# prints it: lib/html_names.h from elements[] in lib/html.c,
# lib/fp_lexicon.h from data/fp-lexicon.txt (a new list changes
# fingerprints: see tools/genlexicon.py).  Never made during a build (no
# python3 needed to build); `make gen` writes them (a file whose
# content is unchanged is left as it is), `make gen-check` compares.
GEN_FILES := lib/html_names.h lib/fp_lexicon.h
GEN_CMD_lib/html_names.h := python3 tools/genhtmlnames.py lib/html.c
GEN_CMD_lib/fp_lexicon.h := python3 tools/genlexicon.py header \
	data/fp-lexicon.txt

gen:
	@echo "  GEN     $(GEN_FILES)"
	$(Q)$(foreach f,$(GEN_FILES),$(GEN_CMD_$(f)) > $(f).tmp || \
	    { rm -f $(f).tmp; exit 1; }; cmp -s $(f).tmp $(f) && \
	    rm $(f).tmp || mv $(f).tmp $(f);) :

gen-check:
	@echo "  GENCHK  $(GEN_FILES)"
	$(Q)if ! command -v python3 >/dev/null 2>&1; then \
	    echo "gen-check: python3 missing, skipped" >&2; exit 0; fi; \
	st=0; $(foreach f,$(GEN_FILES),$(GEN_CMD_$(f)) | cmp -s - $(f) || \
	    { echo "$(f) is stale (not what its tool prints): make gen" >&2; \
	    st=1; };) exit $$st

corpus:
	sh scripts/fetch-corpus.sh

corpus-test: $(BIN) corpus
	sh tests/corpus.sh $(BIN)

# Each stage's wall time is printed, so that a slower suite is seen
# where it grew (CI has 2 cores; keep the whole well under 20 minutes).
# Each stage builds CHECK_JOBS files at a time; tests/run.sh runs the
# tests TEST_JOBS at a time (default: the number of CPUs).
CHECK_JOBS ?= $(shell getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
CHECK_STAGES := test \
	"SAN=1 test" \
	"SAN=1 corpus-test" \
	"fuzz FUZZ_SECONDS=$(if $(CI),15,10)"
check:
	@for stage in $(CHECK_STAGES); do \
	    t0=$$(date +%s); \
	    $(MAKE) -j$(CHECK_JOBS) $$stage || exit 1; \
	    echo "make check: stage '$$stage' took $$(($$(date +%s) - t0)) s"; \
	done
	@echo "make check: all stages passed"

# libFuzzer targets, built with clang in their own folder.
FUZZ_BUILD := build-fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude $(PKG_CFLAGS) \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)

$(FUZZ_BUILD)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	$(Q)clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz/%: fuzz/%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  FUZZER  $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJ) $(PKG_LIBS)

fuzz-build: $(FUZZ_SRC:fuzz/%.c=$(FUZZ_BUILD)/fuzz/%)

fuzz: fuzz-build
	sh fuzz/run.sh $(FUZZ_BUILD)/fuzz $(FUZZ_SECONDS)

STRICT_SECONDS ?= 600
SEED ?= 0
fuzz-strict: $(FUZZ_BUILD)/fuzz/fuzz_rewrite
	sh fuzz/strict.sh $(FUZZ_BUILD)/fuzz/fuzz_rewrite $(STRICT_SECONDS) $(SEED)

bench: $(BIN)
	sh bench/scan.sh

# Installation (GNU conventions; Debian 12 first).  The binary carries its
# data (data/*.conf, web/*: tools/embed.sh) and reads no file of the tree
# at run time, so besides it only the manual pages and dist/ are
# installed.  The units get BINDIR and SYSCONFDIR written in; /var/lib/redflag
# and /var/spool/postfix/redflag are fixed paths.  redflag.conf is
# installed only where there is none: an administrator's file is kept,
# and removed by uninstall only while it is the example unchanged.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d

MANPAGES := $(sort $(wildcard docs/man/*.[1-8]))
UNITS := redflag-milter.service redflag-serve.service
CONF := $(DESTDIR)$(SYSCONFDIR)/redflag/redflag.conf
MANSECTIONS := $(sort $(subst .,,$(suffix $(MANPAGES))))
# each manual page's installed path: docs/man/redflag.conf.5 goes to
# $(MANDIR)/man5/redflag.conf.5
man_dest = $(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(1)))/$(notdir $(1))

install: $(BIN)
	$(Q)mkdir -p $(BUILD)/dist
	$(Q)$(foreach u,$(UNITS),sed -e 's|@BINDIR@|$(BINDIR)|g' \
	    -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' dist/$(u).in \
	    > $(BUILD)/dist/$(u) &&) :
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSTEMDUNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/redflag \
	    $(MANSECTIONS:%=$(DESTDIR)$(MANDIR)/man%)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/redflag
	for s in $(MANSECTIONS); do \
	    install -m 644 docs/man/*.$$s $(DESTDIR)$(MANDIR)/man$$s || exit 1; \
	done
	install -m 644 $(UNITS:%=$(BUILD)/dist/%) $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 644 dist/redflag.sysusers $(DESTDIR)$(SYSUSERSDIR)/redflag.conf
	install -m 644 dist/redflag.tmpfiles $(DESTDIR)$(TMPFILESDIR)/redflag.conf
	@if [ -e $(CONF) ]; then \
	    echo "install: $(CONF) exists: kept as it is (the example is dist/redflag.conf)"; \
	else \
	    echo "install -m 644 dist/redflag.conf $(CONF)"; \
	    install -m 644 dist/redflag.conf $(CONF); \
	fi
	@echo "install: done; as root, then: systemd-sysusers;" \
	    "systemd-tmpfiles --create; systemctl daemon-reload;" \
	    "adduser postfix redflag; consent records (redflag-consent(1))" \
	    "or list_headers_bulk = no;" \
	    "systemctl enable --now redflag-milter (docs/mailservers.md)"

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/redflag \
	    $(foreach p,$(MANPAGES),$(call man_dest,$(p))) \
	    $(UNITS:%=$(DESTDIR)$(SYSTEMDUNITDIR)/%) \
	    $(DESTDIR)$(SYSUSERSDIR)/redflag.conf \
	    $(DESTDIR)$(TMPFILESDIR)/redflag.conf
	@if [ -e $(CONF) ] && ! cmp -s dist/redflag.conf $(CONF); then \
	    echo "uninstall: $(CONF) differs from the example: kept"; \
	else \
	    echo "rm -f $(CONF)"; rm -f $(CONF); \
	    rmdir $(DESTDIR)$(SYSCONFDIR)/redflag 2>/dev/null || :; \
	fi

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(SRC_OBJ:.o=.d) $(TESTS:=.d)
