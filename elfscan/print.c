/* What both output forms share: which imports look dangerous, UTF-8
 * validation, and names for the report's enums. */
#include <string.h>

#include "elfscan/internal.h"

/* Functions that end sandbox escapes (the paper's Table 3, process creation,
 * run-time loading): listed first in text output, marked in JSON.  Only for
 * display: the policy decides what is denied. */
static const char *const dangerous[] = {
	"system", "popen", "execve", "execveat", "fexecve", "execv", "execvp",
	"execvpe", "execl", "execlp", "execle", "posix_spawn", "posix_spawnp",
	"fork", "vfork", "clone", "clone3", "syscall", "ptrace",
	"process_vm_readv", "process_vm_writev", "kill", "tgkill", "tkill",
	"pidfd_send_signal", "pidfd_getfd", "settimeofday", "clock_settime",
	"clock_adjtime", "adjtimex", "setuid", "setgid", "setreuid", "setregid",
	"setgroups", "setresuid", "setresgid", "setfsuid", "setfsgid", "capset",
	"iopl", "ioperm", "add_key", "mount", "umount", "umount2", "chroot",
	"pivot_root", "unshare", "setns", "acct", "reboot", "quotactl",
	"sethostname", "setdomainname", "bpf", "dlopen", "dlmopen", "dlsym",
	"dlvsym", "mprotect", "prctl", "seccomp", "io_uring_setup",
};

bool print_is_dangerous(const char *name)
{
	for (size_t i = 0; i < sizeof(dangerous) / sizeof(dangerous[0]); i++)
		if (!strcmp(name, dangerous[i]))
			return true;
	return false;
}

/* Length of the valid UTF-8 sequence at p (no overlongs, surrogates or
 * code points past U+10FFFF), or 0. */
size_t print_utf8_len(const unsigned char *p)
{
	unsigned c = p[0];
	size_t n, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)  /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

const char *print_kind_name(enum elfscan_slot_kind k)
{
	switch (k) {
	case ELFSCAN_JUMP_SLOT: return "JUMP_SLOT";
	case ELFSCAN_GLOB_DAT:  return "GLOB_DAT";
	case ELFSCAN_ABS64:     return "ABS64";
	}
	return "?";
}

const char *print_insn_name(enum elfscan_syscall_insn k)
{
	switch (k) {
	case ELFSCAN_SYSCALL:  return "syscall";
	case ELFSCAN_INT80:    return "int 0x80";
	case ELFSCAN_SYSENTER: return "sysenter";
	}
	return "?";
}

const char *print_type_name(uint16_t t)
{
	switch (t) {
	case ET_REL:  return "REL";
	case ET_EXEC: return "EXEC";
	case ET_DYN:  return "DYN";
	case ET_CORE: return "CORE";
	}
	return "?";
}

const char *const print_flag_names[ELFSCAN_N_FLAGS] = {
	"TEXTREL", "EXECSTACK", "WX", "IFUNC", "BIND_NOW", "PYTHON", "PYEXT",
};

void print_seg_flags(uint32_t f, char out[4])
{
	out[0] = (f & PF_R) ? 'R' : '-';
	out[1] = (f & PF_W) ? 'W' : '-';
	out[2] = (f & PF_X) ? 'X' : '-';
	out[3] = 0;
}
