# stap-onboot: systemtap-service, stap-early-loader, the dracut module and their tests.
# `make` builds build/systemtap-service and build/stap-early-loader; `make check` runs every test.

PREFIX        ?= /usr
SYSCONFDIR    ?= /etc
LOCALSTATEDIR ?= /var
RUNSTATEDIR   ?= /run
BINDIR        ?= $(PREFIX)/bin
SBINDIR       ?= $(PREFIX)/sbin
MANDIR        ?= $(PREFIX)/share/man
UNITDIR       ?= $(PREFIX)/lib/systemd/system
DRACUTMODDIR  ?= $(PREFIX)/lib/dracut/modules.d
BASHCOMPDIR   ?= $(or $(shell pkg-config --variable=completionsdir bash-completion 2>/dev/null),$(PREFIX)/share/bash-completion/completions)
KERNELHOOKDIR ?= $(SYSCONFDIR)/kernel
KERNELINSTALLDIR ?= $(PREFIX)/lib/kernel/install.d
ONBOOTLOGDIR  ?= $(LOCALSTATEDIR)/log/systemtap/onboot
DESTDIR       ?=

CC      ?= cc
MUSLCC  ?= musl-gcc
B       := build
PKGS    := libkmod blkid

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
STD      := -std=c11 -D_GNU_SOURCE
PATHDEFS := -DSYSCONFDIR='"$(SYSCONFDIR)"' -DLOCALSTATEDIR='"$(LOCALSTATEDIR)"' \
            -DRUNSTATEDIR='"$(RUNSTATEDIR)"' -DBINDIR='"$(BINDIR)"' -DSBINDIR='"$(SBINDIR)"' \
            -DDRACUTMODDIR='"$(DRACUTMODDIR)"'
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
CFLAGS  ?= -O2 -g
SVC_CFLAGS    = $(STD) $(WARN) $(PATHDEFS) $(SVC_INC) $(PKG_CFLAGS) $(CFLAGS)
SAN           := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LOADER_CFLAGS = $(STD) $(WARN) -Icommon -Os -ffunction-sections -fdata-sections
TEST_CFLAGS   = $(STD) $(WARN) $(PATHDEFS) $(PKG_CFLAGS) -O1 -g $(SAN) $(SVC_INC) -Iearly-loader -Itests/unit

COMMON_SRC     := $(sort $(wildcard common/*.c))
COMMON_HDR     := $(wildcard common/*.h)
SVC_DIRS       := $(sort $(dir $(wildcard service/*/*.c)))
SVC_LIB_SRC    := $(sort $(wildcard service/*/*.c)) $(COMMON_SRC)
LOADER_LIB_SRC := $(filter-out early-loader/main.c,$(sort $(wildcard early-loader/*.c))) $(COMMON_SRC)
SVC_HDR        := $(wildcard service/*/*.h)
SVC_INC        := $(patsubst %/,-I%,$(SVC_DIRS)) -Icommon
# The service's layers, lowest first: core < config < secureboot < cache < onboot < cmd (and
# main.c). A folder's files see only their own layer's headers and those below, so an include
# running back up fails to compile (docs/design.md, "Layers"). common/ sees only itself: the
# loader shares it. Tests and fuzzers see everything.
LAYER_INC_core       := -Iservice/core -Icommon
LAYER_INC_config     := -Iservice/config $(LAYER_INC_core)
LAYER_INC_secureboot := -Iservice/secureboot $(LAYER_INC_config)
LAYER_INC_cache      := -Iservice/cache $(LAYER_INC_secureboot)
LAYER_INC_onboot     := -Iservice/onboot $(LAYER_INC_cache)
LAYER_INC_cmd        := $(SVC_INC)
LOADER_HDR     := $(wildcard early-loader/*.h) $(COMMON_HDR)

SVC_OBJ        := $(SVC_LIB_SRC:%.c=$(B)/obj/%.o)
SVC_SAN_OBJ    := $(SVC_LIB_SRC:%.c=$(B)/san/%.o)
LOADER_OBJ     := $(LOADER_LIB_SRC:%.c=$(B)/musl/%.o)
LOADER_SAN_OBJ := $(LOADER_LIB_SRC:%.c=$(B)/san/%.o)

UNIT_SVC_SRC    := $(sort $(wildcard tests/unit/test_svc_*.c))
UNIT_LOADER_SRC := $(sort $(wildcard tests/unit/test_loader_*.c))
UNIT_HELPERS    := $(wildcard tests/unit/helper_*.c)
UNIT_MAIN       := $(B)/san/tests/unit/test.o
UNIT_HDR        := $(wildcard tests/unit/*.h)
UNIT_BINS := $(UNIT_SVC_SRC:tests/unit/%.c=$(B)/tests/%) $(UNIT_LOADER_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: vg-tests all install deps check unit valgrind fuzz lint format check-format check-clang check-man \
        integration onboot-tests e2e e2e-secureboot e2e-system demo bench clean
.DELETE_ON_ERROR:
.SECONDARY:

all: $(B)/systemtap-service $(B)/stap-early-loader

# ---- systemtap-service ------------------------------------------------------------------
$(B)/obj/%.o: %.c $(SVC_HDR) $(LOADER_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(SVC_CFLAGS) -c $< -o $@

$(foreach l,core config cache secureboot onboot cmd,$(eval $(B)/obj/service/$(l)/%.o: SVC_INC = $(LAYER_INC_$(l))))
$(B)/obj/common/%.o: SVC_INC = -Icommon

$(B)/libservice.a: $(SVC_OBJ)
	@rm -f $@; ar rcs $@ $^

$(B)/systemtap-service: $(B)/obj/service/main.o $(B)/libservice.a
	$(CC) $(CFLAGS) $^ $(PKG_LIBS) -o $@

# ---- stap-early-loader: static, musl --------------------------------------------------
$(B)/musl/%.o: %.c $(LOADER_HDR)
	@mkdir -p $(dir $@)
	$(MUSLCC) $(LOADER_CFLAGS) -c $< -o $@

$(B)/stap-early-loader: $(B)/musl/early-loader/main.o $(LOADER_OBJ)
	$(MUSLCC) -static -Os -Wl,--gc-sections -s $^ -o $@

# The boot test's build of the loader, never installed: rd.systemtap.fault=crash|hang makes
# its loading child crash or hang (early-loader/pid1.c), to prove that the boot goes on.
$(B)/musl-faults/early-loader/pid1.o: early-loader/pid1.c $(LOADER_HDR)
	@mkdir -p $(dir $@)
	$(MUSLCC) $(LOADER_CFLAGS) -DSTAP_EARLY_LOADER_FAULTS -c $< -o $@

$(B)/stap-early-loader-faults: $(B)/musl/early-loader/main.o \
		$(filter-out $(B)/musl/early-loader/pid1.o,$(LOADER_OBJ)) $(B)/musl-faults/early-loader/pid1.o
	$(MUSLCC) -static -Os -Wl,--gc-sections -s $^ -o $@

# ---- sanitizer builds for the unit tests ----------------------------------------------
$(B)/san/%.o: %.c $(SVC_HDR) $(LOADER_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -c $< -o $@

$(B)/tests/test_svc_%: tests/unit/test_svc_%.c $(UNIT_HELPERS) $(UNIT_MAIN) $(SVC_SAN_OBJ) $(UNIT_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(filter %.c %.o,$^) $(PKG_LIBS) -o $@

$(B)/tests/test_loader_%: tests/unit/test_loader_%.c $(UNIT_HELPERS) $(UNIT_MAIN) $(LOADER_SAN_OBJ) $(UNIT_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(filter %.c %.o,$^) -o $@

# ---- the same tests without sanitizers, for valgrind ---------------------------------------
VG_CFLAGS = $(STD) $(WARN) $(PATHDEFS) $(PKG_CFLAGS) -O0 -g $(SVC_INC) -Iearly-loader -Itests/unit
VG_BINS := $(UNIT_BINS:$(B)/tests/%=$(B)/vg/tests/%)
$(B)/vg/obj/%.o: %.c $(SVC_HDR) $(LOADER_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) -c $< -o $@
$(B)/vg/tests/test_svc_%: tests/unit/test_svc_%.c $(UNIT_HELPERS) $(B)/vg/obj/tests/unit/test.o $(SVC_LIB_SRC:%.c=$(B)/vg/obj/%.o) $(UNIT_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) $(filter %.c %.o,$^) $(PKG_LIBS) -o $@
$(B)/vg/tests/test_loader_%: tests/unit/test_loader_%.c $(UNIT_HELPERS) $(B)/vg/obj/tests/unit/test.o $(LOADER_LIB_SRC:%.c=$(B)/vg/obj/%.o) $(UNIT_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) $(filter %.c %.o,$^) -o $@
vg-tests: $(VG_BINS)

# ---- fuzzers (libFuzzer, clang) ---------------------------------------------------------
FUZZ_CFLAGS = $(STD) $(PATHDEFS) $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined $(SVC_INC) -Iearly-loader
$(B)/fuzz/fuzz_config: tests/fuzz/fuzz_config.c $(SVC_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ $(PKG_LIBS) -o $@
$(B)/fuzz/fuzz_optfilter: tests/fuzz/fuzz_optfilter.c $(SVC_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ $(PKG_LIBS) -o $@
$(B)/fuzz/fuzz_cpio: tests/fuzz/fuzz_cpio.c $(SVC_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ $(PKG_LIBS) -o $@
$(B)/fuzz/fuzz_cert: tests/fuzz/fuzz_cert.c $(SVC_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ $(PKG_LIBS) -o $@
$(B)/fuzz/fuzz_pack: tests/fuzz/fuzz_pack.c $(SVC_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ $(PKG_LIBS) -o $@
$(B)/fuzz/fuzz_upstream_options: tests/fuzz/fuzz_upstream_options.c $(SVC_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ $(PKG_LIBS) -o $@
$(B)/fuzz/fuzz_efisiglist: tests/fuzz/fuzz_efisiglist.c $(SVC_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ $(PKG_LIBS) -o $@
$(B)/fuzz/fuzz_lock: tests/fuzz/fuzz_lock.c $(SVC_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ $(PKG_LIBS) -o $@
$(B)/fuzz/fuzz_manifest: tests/fuzz/fuzz_manifest.c $(LOADER_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ -o $@
# The loader's readers of /proc/modules and /proc/kallsyms.
$(B)/fuzz/fuzz_kernel_lists: tests/fuzz/fuzz_kernel_lists.c $(LOADER_LIB_SRC)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ -o $@
# The collectors' socket requests and state file (common/collect_proto.c).
$(B)/fuzz/fuzz_collect: tests/fuzz/fuzz_collect.c common/collect_proto.c common/names.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $^ -o $@

FUZZERS := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 20

# ---- checks -------------------------------------------------------------------------------
deps:
	@tests/deps.sh

# The test programs build in parallel even when make check runs serially (its groups must not
# overlap): a sub-make with every core.
BUILD_JOBS ?= $(shell nproc)
unit:
	@$(MAKE) -s -j$(BUILD_JOBS) $(UNIT_BINS)
	@tests/runner.sh unit $(UNIT_BINS)

valgrind:
	@$(MAKE) -s -j$(BUILD_JOBS) vg-tests
	@tests/valgrind.sh $(UNIT_BINS)

fuzz:
	@$(MAKE) -s -j$(BUILD_JOBS) $(FUZZERS)
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZERS)

check-format:
	@clang-format --dry-run -Werror $(wildcard service/*.c service/*/*.[ch] common/*.[ch] early-loader/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c bench/*.c)

format:
	clang-format -i $(wildcard service/*.c service/*/*.[ch] common/*.[ch] early-loader/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c bench/*.c)

# Every C file must also build warning-free with clang.
check-clang:
	@set -e; for f in $(wildcard service/*.c service/*/*.c); do clang $(STD) $(WARN) $(PATHDEFS) $(SVC_INC) $(PKG_CFLAGS) -fsyntax-only $$f; done
	@set -e; for f in $(wildcard early-loader/*.c common/*.c); do clang $(LOADER_CFLAGS) -fsyntax-only $$f; done
	@echo "clang: no warnings"

check-man:
	@set -e; for m in man/*.8; do mandoc -Tlint -W warning $$m; done; echo "mandoc -Tlint: clean"

lint: check-format check-clang check-man

integration: all
	@tests/runner.sh integration $(sort $(wildcard tests/integration/test_*.sh))

# The onboot tests own their roots, dracut copies and mount namespaces: two at once keep both
# cores busy while one of them waits for dracut's I/O.
ONBOOT_JOBS ?= 2
onboot-tests: all
	@tests/runner.sh -j$(ONBOOT_JOBS) onboot $(sort $(wildcard tests/onboot/test_*.sh))

e2e: all $(B)/stap-early-loader-faults
	@tests/e2e/run.sh

# Secure Boot in QEMU: shim, MokManager enrollment of the signing key, lockdown (tests/e2e/README.md).
e2e-secureboot: all
	@tests/e2e/secureboot.sh

# The whole system: a Debian root (mmdebstrap, cached) with `make install` in it, booted in
# QEMU through the switch to the real root (tests/e2e/README.md).
e2e-system: all
	@tests/e2e/system.sh

demo: deps all
	@tests/e2e/demo.sh

bench: all
	@set -e; for b in bench/*.sh; do $$b; done

check: deps all lint unit valgrind fuzz integration onboot-tests e2e e2e-secureboot e2e-system
	@tests/runner.sh summary

# ---- install ------------------------------------------------------------------------------
DRACUT_MOD := $(DRACUTMODDIR)/99systemtap
# Files install generates (paths filled in) go to a directory of this make alone: tests run
# `make install DESTDIR=...` two at a time, with other paths.
GEN = $(B)/install.$(shell echo $$PPID)
install: all
	@mkdir -p $(GEN)
	install -D -m 0755 $(B)/systemtap-service $(DESTDIR)$(SBINDIR)/systemtap-service
	install -D -m 0755 $(B)/stap-early-loader $(DESTDIR)$(SBINDIR)/stap-early-loader
	@# Upstream's stap-onboot (2026) was $(BINDIR)/stap-onboot: the same name runs onboot.
	install -d $(DESTDIR)$(BINDIR)
	ln -sf $(SBINDIR)/systemtap-service $(DESTDIR)$(BINDIR)/stap-onboot
	install -D -m 0644 service/config.default $(DESTDIR)$(SYSCONFDIR)/systemtap/config
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/systemtap/conf.d $(DESTDIR)$(SYSCONFDIR)/systemtap/script.d
	install -d -m 0755 $(DESTDIR)$(LOCALSTATEDIR)/cache/systemtap
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' service/systemtap.service.in > $(GEN)/systemtap.service
	install -D -m 0644 $(GEN)/systemtap.service $(DESTDIR)$(UNITDIR)/systemtap.service
	install -D -m 0644 man/systemtap-service.8 $(DESTDIR)$(MANDIR)/man8/systemtap-service.8
	install -D -m 0644 man/stap-early-loader.8 $(DESTDIR)$(MANDIR)/man8/stap-early-loader.8
	install -D -m 0644 man/stap-onboot.8 $(DESTDIR)$(MANDIR)/man8/stap-onboot.8
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@CACHEDIR@|$(LOCALSTATEDIR)/cache/systemtap|g' \
	    dracut-module/99systemtap/module-setup.sh > $(GEN)/module-setup.sh
	install -D -m 0755 $(GEN)/module-setup.sh $(DESTDIR)$(DRACUT_MOD)/module-setup.sh
	install -D -m 0755 hooks/stap-early-loader.sh $(DESTDIR)$(DRACUT_MOD)/stap-early-loader.sh
	@# Earlier versions installed 90systemtap: two modules named systemtap must not coexist.
	rm -rf $(DESTDIR)$(DRACUTMODDIR)/90systemtap
	set -e; for h in postinst header_postinst postrm; do \
	    sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e "s|@HOOK@|$$h|g" hooks/kernel/50-systemtap-onboot.in > $(GEN)/kernel-hook-$$h; \
	    install -D -m 0755 $(GEN)/kernel-hook-$$h $(DESTDIR)$(KERNELHOOKDIR)/$$h.d/50-systemtap-onboot; \
	done
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' hooks/kernel/45-systemtap-onboot.install.in > $(GEN)/45-systemtap-onboot.install
	install -D -m 0755 $(GEN)/45-systemtap-onboot.install $(DESTDIR)$(KERNELINSTALLDIR)/45-systemtap-onboot.install
	sed -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' completion/systemtap-service.in > $(GEN)/systemtap-service.bash
	install -D -m 0644 $(GEN)/systemtap-service.bash $(DESTDIR)$(BASHCOMPDIR)/systemtap-service
	@# The saved output of the scripts started at boot: its unit, enabled as systemctl enable
	@# does (an admin may disable it), and the logrotate snippet of ONBOOTLOGDIR.
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@ONBOOTLOGDIR@|$(ONBOOTLOGDIR)|g' \
	    -e 's|@RUNSTATEDIR@|$(RUNSTATEDIR)|g' service/systemtap-onboot-log.service.in > $(GEN)/systemtap-onboot-log.service
	install -D -m 0644 $(GEN)/systemtap-onboot-log.service $(DESTDIR)$(UNITDIR)/systemtap-onboot-log.service
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/systemd/system/sysinit.target.wants
	ln -sf $(UNITDIR)/systemtap-onboot-log.service \
	    $(DESTDIR)$(SYSCONFDIR)/systemd/system/sysinit.target.wants/systemtap-onboot-log.service
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@ONBOOTLOGDIR@|$(ONBOOTLOGDIR)|g' \
	    service/systemtap-onboot.logrotate.in > $(GEN)/systemtap-onboot.logrotate
	install -D -m 0644 $(GEN)/systemtap-onboot.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/systemtap-onboot
	@rm -rf $(GEN)

clean:
	rm -rf $(B)
