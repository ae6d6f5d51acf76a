/*
 * chattr +i / -i for the Linux bundle's initramfs (scripts/linux-bundle.sh).
 * efivarfs creates most variable files immutable (fs/efivarfs/inode.c,
 * efivarfs_get_inode() and efivar_variable_is_removable()), so writing to
 * or removing one needs "chattr -i" first; Debian's busybox-static has no
 * chattr applet, and the host has no arm64 C library, so this is built
 * freestanding: raw AArch64 Linux system calls, no libc.
 *
 *   chattr -i FILE...   clear FS_IMMUTABLE_FL
 *   chattr +i FILE...   set it
 *
 * The flags go through FS_IOC_GETFLAGS/FS_IOC_SETFLAGS with an int, as the
 * kernel reads them (include/uapi/linux/fs.h, fs/ioctl.c
 * ioctl_getflags()/ioctl_setflags()).  Exit status 1 on any failure.
 */

/* include/uapi/asm-generic/unistd.h (AArch64 uses the generic table). */
#define SYS_IOCTL 29
#define SYS_OPENAT 56
#define SYS_CLOSE 57
#define SYS_WRITE 64
#define SYS_EXIT 93

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define FS_IOC_GETFLAGS 0x80086601ul /* _IOR('f', 1, long) */
#define FS_IOC_SETFLAGS 0x40086602ul /* _IOW('f', 2, long) */
#define FS_IMMUTABLE_FL 0x00000010

static long sys3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2)
			 : "memory");
	return x0;
}

static unsigned long length(const char *s)
{
	unsigned long n = 0;

	while (s[n] != '\0') {
		n++;
	}
	return n;
}

static void say(const char *a, const char *b)
{
	sys3(SYS_WRITE, 2, (long)a, (long)length(a));
	sys3(SYS_WRITE, 2, (long)b, (long)length(b));
	sys3(SYS_WRITE, 2, (long)"\n", 1);
}

/* Sets or clears the immutable flag of one file; 0 on success. */
static int change(const char *path, int set)
{
	int flags = 0;
	long fd = sys3(SYS_OPENAT, AT_FDCWD, (long)path, O_RDONLY);
	long rc;

	if (fd < 0) {
		say("chattr: cannot open ", path);
		return 1;
	}
	rc = sys3(SYS_IOCTL, fd, (long)FS_IOC_GETFLAGS, (long)&flags);
	if (rc == 0) {
		flags = set ? flags | FS_IMMUTABLE_FL
			    : flags & ~FS_IMMUTABLE_FL;
		rc = sys3(SYS_IOCTL, fd, (long)FS_IOC_SETFLAGS, (long)&flags);
	}
	sys3(SYS_CLOSE, fd, 0, 0);
	if (rc != 0) {
		say("chattr: cannot change the flags of ", path);
		return 1;
	}
	return 0;
}

static int run(int argc, char **argv)
{
	int status = 0;
	const char *op = argc > 1 ? argv[1] : "";

	if (argc < 3 || (op[0] != '-' && op[0] != '+') || op[1] != 'i' ||
	    op[2] != '\0') {
		say("usage: chattr -i|+i FILE...", "");
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		status |= change(argv[i], op[0] == '+');
	}
	return status;
}

/* The process entry: sp points at argc, then argv (the AArch64 ELF ABI's
 * initial stack, as the kernel's create_elf_tables() lays it out). */
__attribute__((used)) static void start_c(long *sp)
{
	sys3(SYS_EXIT, run((int)sp[0], (char **)(sp + 1)), 0, 0);
	for (;;) {
	}
}

__asm__(".text\n"
	".global _start\n"
	"_start:\n"
	"	mov x0, sp\n"
	"	bl start_c\n");
