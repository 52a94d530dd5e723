# Xenith top-level build. Out-of-tree: make O=/some/dir (default: build/).
# Every output goes under $(O); two builds with different O= never share
# files, so a second configuration does not disturb the first.

O ?= $(CURDIR)/build
override O := $(abspath $(O))
CROSS_COMPILE ?= aarch64-linux-gnu-
export O CROSS_COMPILE

.PHONY: all hyp guests tools unit test check bench clean

all: hyp guests tools

hyp:
	$(MAKE) -C hyp O=$(O)

guests:
	@if [ -f guests/Makefile ]; then $(MAKE) -C guests O=$(O); fi

tools:
	$(MAKE) -C tools O=$(O)

unit:
	$(MAKE) -C tests/unit O=$(O) check

test check:
	bash tests/run

bench: all
	bash bench/run

clean:
	rm -rf $(O)
