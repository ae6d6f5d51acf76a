#!/usr/bin/env python3
"""Drives `ffa-harness console` through a pseudo-terminal, as expect or
U-Boot's test/py do, and checks what a person at the terminal would see.

usage: console_pty.py FFAH UBOOT FINDING_ELF WORKDIR

Each check prints one line; the first that fails raises, and the exit
status is 1.  Every wait has a deadline, and every child is killed and
reaped on the way out.
"""
import json
import os
import re
import signal
import shutil
import subprocess
import sys
import tempfile
import termios
import time


def no_core():
    import resource
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # A process group of its own whose parent (this script) is in the
    # same session: not orphaned, so SIGTSTP can stop it.
    os.setpgid(0, 0)


class Console:
    """One `ffa-harness console` on a fresh pty; the parent keeps the
    slave open too, to read its terminal settings."""

    def __init__(self, args, env=None):
        self.master, self.slave = os.openpty()
        self.before = termios.tcgetattr(self.slave)
        self.proc = subprocess.Popen(args, stdin=self.slave,
                                     stdout=self.slave, stderr=self.slave,
                                     close_fds=True, preexec_fn=no_core,
                                     env=env)
        self.buf = b""
        self.pos = 0  # expect() searches from here

    def read_some(self, timeout):
        import select
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:
            return False
        self.buf += data
        return bool(data)

    def expect(self, text, timeout=60):
        """Waits until text appears after the last match; returns the
        bytes before it."""
        want = text.encode() if isinstance(text, str) else text
        deadline = time.monotonic() + timeout
        while True:
            at = self.buf.find(want, self.pos)
            if at >= 0:
                before = self.buf[self.pos:at]
                self.pos = at + len(want)
                return before
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("never saw %r; the end of the output:"
                                     "\n%s" % (want, self.tail()))
            self.read_some(min(left, 0.2))

    def boot_to_prompt(self):
        """As test/py does: a key stops U-Boot's autoboot countdown,
        which runs in host time as under QEMU."""
        self.expect("Hit any key to stop autoboot")
        self.send(" ")
        self.expect("\n=> ")

    def send(self, data):
        os.write(self.master, data.encode() if isinstance(data, str)
                 else data)

    def wait(self, timeout=30):
        """Waits for the process to end, reading its output; returns rc."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError("ffa-harness did not end within %d s"
                                     % timeout)
            self.read_some(0.1)
        while self.read_some(0.2):
            pass
        return self.proc.returncode

    def raw_now(self):
        attrs = termios.tcgetattr(self.slave)
        return (attrs[3] & (termios.ECHO | termios.ICANON | termios.ISIG)) == 0

    def restored(self):
        return termios.tcgetattr(self.slave) == self.before

    def tail(self, n=600):
        return self.buf[-n:].decode(errors="replace")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


def process_state(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok: " + what)


def date_seconds(c):
    c.send("date\r")
    line = c.expect("=> ").decode(errors="replace")
    m = re.search(r"Time:\s+(\d+):(\d+):(\d+)", line)
    if m is None:
        raise AssertionError("no time in %r" % line)
    h, mi, s = (int(x) for x in m.groups())
    return h * 3600 + mi * 60 + s


def uboot_session(ffah, uboot, work):
    reports = os.path.join(work, "reports")
    c = Console([ffah, "console", "--image", uboot, "--report-dir", reports,
                 "--trace", os.path.join(work, "trace.jsonl")])
    try:
        c.expect("C-a x quits")
        c.boot_to_prompt()
        check(c.raw_now(), "the terminal is raw while the console runs "
              "(no echo, no line editing, no signal keys)")
        c.send("version\r")
        out = c.expect("=> ").decode(errors="replace")
        check("U-Boot 2023.01" in out and "GNU ld" in out,
              "`version` typed at the prompt printed U-Boot's version")
        # A long line typed at once loses no byte: U-Boot echoes each
        # character as it reads it, then `echo` prints the argument.
        word = "".join(chr(ord("a") + i % 26) for i in range(300))
        c.send("echo " + word + "\r")
        out = c.expect("=> ").decode(errors="replace")
        check(out.count(word) == 2,
              "a 305-byte line typed at once arrived whole (echoed and "
              "printed)")
        # Idle at the prompt the process sleeps, and guest time goes on:
        # the RTC before and after 3 s, and the CPU time those 3 s took.
        ticks = os.sysconf("SC_CLK_TCK")

        def cpu():
            with open("/proc/%d/stat" % c.proc.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / ticks

        first = date_seconds(c)
        t0 = cpu()
        time.sleep(3)
        used = cpu() - t0
        second = date_seconds(c)
        check(second - first >= 2,
              "guest time went on while the firmware waited for input "
              "(RTC %d s -> %d s over 3 s at the prompt)" % (first, second))
        check(used < 0.75, "at the prompt the console used %.2f s of CPU in "
              "3 s (it sleeps in poll)" % used)
        c.send("\x01h")
        c.expect("C-a x    quit")
        check(True, "C-a h printed the escape keys")
        c.send("\x01x")
        rc = c.wait()
        check(rc == 0, "C-a x ended the session with exit status 0 (got %d)"
              % rc)
        text = c.buf.decode(errors="replace")
        check("session ended: quit (C-a x)" in text and
              "verdict: PASS" in text, "the summary names C-a x and PASS")
        check(c.restored(), "the terminal settings are restored after C-a x")
        with open(os.path.join(reports, "results.json")) as f:
            doc = json.load(f)
        sc = doc["scenarios"][0]
        check(sc["name"] == "console" and sc["verdict"] == "pass" and
              "GNU ld" in sc["console"],
              "results.json holds the session and its console")
        for name in ("junit.xml", "summary.md", "report.html"):
            check(os.path.getsize(os.path.join(reports, name)) > 0,
                  "reports: %s written" % name)
        check(os.path.exists(os.path.join(work, "trace.jsonl")),
              "the trace was written")
    finally:
        c.close()


def sigterm_session(ffah, uboot):
    c = Console([ffah, "console", "--image", uboot])
    try:
        c.boot_to_prompt()
        check(c.raw_now(), "raw again in a second session")
        # Stopped (SIGTSTP), the shell gets its terminal back; raw again
        # once it continues.
        c.proc.send_signal(signal.SIGTSTP)
        deadline = time.monotonic() + 10
        while process_state(c.proc.pid) != "T":
            if time.monotonic() > deadline:
                raise AssertionError("SIGTSTP did not stop it")
            time.sleep(0.05)
        check(c.restored(), "stopped by SIGTSTP, the terminal is restored")
        c.proc.send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 10
        while not c.raw_now():
            if time.monotonic() > deadline:
                raise AssertionError("not raw again after SIGCONT")
            time.sleep(0.05)
        check(True, "continued (SIGCONT), it is raw again")
        # A reset boots the image again, as QEMU does.
        c.send("reset\r")
        c.expect("*** ffa-harness: reset: boot 2 of")
        c.boot_to_prompt()
        c.send("version\r")
        c.expect("GNU ld")
        check(True, "`reset` booted U-Boot again and it answered")
        c.proc.send_signal(signal.SIGTERM)
        rc = c.wait()
        text = c.buf.decode(errors="replace")
        check(rc == 0 and "session ended: signal SIGTERM after 2 boots"
              in text, "SIGTERM ended the session with a verdict (rc %d)"
              % rc)
        check(c.restored(), "the terminal settings are restored after "
              "SIGTERM")
    finally:
        c.close()


def abort_session(ffah, uboot):
    """A fatal signal kills the process, but not with a raw terminal,
    and not leaving its private variable store in TMPDIR."""
    tmp = tempfile.mkdtemp()
    c = Console([ffah, "console", "--image", uboot],
                env=dict(os.environ, TMPDIR=tmp))
    try:
        c.boot_to_prompt()
        check(len(os.listdir(tmp)) == 1, "the session made its store "
              "directory in TMPDIR (%r)" % os.listdir(tmp))
        c.proc.send_signal(signal.SIGABRT)
        rc = c.wait()
        check(rc == -signal.SIGABRT, "SIGABRT killed it as it would have "
              "(rc %d)" % rc)
        check(c.restored(), "the terminal settings are restored before "
              "it died")
        check(os.listdir(tmp) == [], "the private store is removed before "
              "it died (left: %r)" % os.listdir(tmp))
    finally:
        c.close()
        shutil.rmtree(tmp, ignore_errors=True)


def hangup_session(ffah, uboot):
    """test/py closes its end of the pty to end a console."""
    c = Console([ffah, "console", "--image", uboot])
    try:
        c.boot_to_prompt()
        os.close(c.master)
        deadline = time.monotonic() + 10
        while c.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        check(c.proc.poll() is not None,
              "closing the pty's master ended the session within 10 s")
        check(c.proc.returncode == 0, "with a verdict, exit status 0 "
              "(got %d)" % c.proc.returncode)
    finally:
        c.close()


def finding_session(ffah, elf):
    c = Console([ffah, "console", "--image", elf])
    try:
        rc = c.wait()
        text = c.buf.decode(errors="replace")
        mark = "*** ffa-harness: firmware finding ffa.call-before-version"
        at = text.find(mark)
        check(at >= 0, "the finding was printed, marked")
        before = text.find("seeded bug variant")
        after = text.find("FF-A: SPMC is v1.2")
        check(0 <= before < at < after,
              "it was printed live: after the console line before the bad "
              "call and before the line the next call prints")
        check(text[at - 1] == "\n" and text[at - 2] == "\r",
              "it starts at the first column")
        check(rc == 1 and "verdict: FIRMWARE" in text,
              "the verdict is FIRMWARE, exit status 1 (got %d)" % rc)
    finally:
        c.close()


def main():
    ffah, uboot, elf, work = sys.argv[1:5]
    uboot_session(ffah, uboot, work)
    sigterm_session(ffah, uboot)
    abort_session(ffah, uboot)
    hangup_session(ffah, uboot)
    finding_session(ffah, elf)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print("FAILED: %s" % e)
        sys.exit(1)
