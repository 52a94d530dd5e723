# Xenith top-level build. Out-of-tree: make O=/some/dir (default: build/).
# Every output goes under $(O); two builds with different O= never share
# files, so a second configuration does not disturb the first.

O ?= $(CURDIR)/build
override O := $(abspath $(O))
CROSS_COMPILE ?= aarch64-linux-gnu-
export O CROSS_COMPILE

.PHONY: all hyp guests tools unit fuzz test check bench clean

all: hyp guests tools

hyp:
	$(MAKE) -C hyp O=$(O)

guests:
	@if [ -f guests/Makefile ]; then $(MAKE) -C guests O=$(O); fi

tools:
	$(MAKE) -C tools O=$(O)

unit:
	$(MAKE) -C tests/unit O=$(O) check

# Long fuzzing runs (tests/fuzz, clang's libFuzzer): FUZZ_SECONDS per
# target (default 600); what the fuzzers learn is kept in $(O)/fuzz/corpus
# and used again next time, crashes land in $(O)/fuzz/crashes.
FUZZ_SECONDS ?= 600
fuzz:
	$(MAKE) -C tests/fuzz O=$(O) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_KEEP=1 run

test check:
	bash tests/run

bench: all
	bash bench/run

clean:
	rm -rf $(O)
