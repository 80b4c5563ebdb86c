"""Lightweight hosts: private sshds on 127.0.0.1 serving many inventory names.

The sshds run in a PID namespace of their own (unshare), so the processes
the hosts start can be counted (the namespace's last PID: PIDs are handed
out in order) and the hosts' CPU time read from the sshds' reaped children.
The first DISTINCT inventory names (the mix scenarios' 4 hosts) have an
sshd each; the others share sshds, PER_SSHD names each. Every sshd runs in
a mount namespace of its own with a boot id of its own bind-mounted over
/proc/sys/kernel/random/boot_id, so drover, which tells machines apart by
boot id, sees each sshd as a distinct machine (the names of one sshd as
aliases of one machine); they share this machine's file systems, but
every name has its own working directory (`bench_dir`) and, for
ansible-playbook, its own ControlPath (`ansible_control_path`), as
distinct machines would. The login is a
throwaway user with /bin/sh and an empty home, so no shell start-up file
(root's .bashrc may start a Python version manager) runs per login.
Everything started is ended by PID in stop().
"""
import os
import shutil
import socket
import subprocess
import time
import uuid

USER = "drover-bench"
PER_SSHD = 100
DISTINCT = 4


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def proc_times(pid):
    """(own + reaped children's) user + system seconds of PID."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_times(pid):
    """proc_times of PID and of every living descendant (0 for a process
    that has just exited)."""
    try:
        return proc_times(pid) + sum(tree_times(c) for c in children(pid))
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


class Hosts:
    def __init__(self, root, count):
        self.root = root
        self.count = count
        self.key = os.path.join(root, "id_ed25519")
        self.known_hosts = os.path.join(root, "known_hosts")
        self.home = os.path.join(root, "home")
        self.ports = []
        self.ns = None  # the unshare process
        self.user_made = False
        self.probes = 0  # processes counters() started in the namespace

    def workdir(self, i):
        return os.path.join(self.root, "hosts", f"h{i}")

    def start(self):
        run = lambda *a: subprocess.run(a, check=True, stdout=subprocess.DEVNULL)
        os.makedirs("/run/sshd", exist_ok=True)  # privilege separation dir
        if subprocess.run(["getent", "passwd", USER], stdout=subprocess.DEVNULL).returncode == 0:
            run("userdel", "-f", USER)  # left by an interrupted run
        run("useradd", "-M", "-p", "*", "-d", self.home, "-s", "/bin/sh", USER)  # "*": no password, not locked
        self.user_made = True
        os.makedirs(os.path.join(self.root, "hosts"))
        os.makedirs(self.home)
        shutil.chown(self.home, USER, USER)
        shutil.chown(os.path.join(self.root, "hosts"), USER, USER)
        os.chmod(self.root, 0o755)
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key, "-C", "drover-bench")
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.key + ".host", "-C", "host")
        shutil.copy(self.key + ".pub", os.path.join(self.root, "authorized_keys"))
        os.chmod(os.path.join(self.root, "authorized_keys"), 0o644)
        host_key = open(self.key + ".host.pub").read().split()[:2]
        configs = []
        with open(self.known_hosts, "w") as kh:
            shared = max(0, self.count - DISTINCT)
            for n in range(min(self.count, DISTINCT) + (shared + PER_SSHD - 1) // PER_SSHD):
                port = free_port()
                self.ports.append(port)
                kh.write(f"[127.0.0.1]:{port} {' '.join(host_key)}\n")
                conf = os.path.join(self.root, f"sshd{n}.conf")
                with open(conf, "w") as f:
                    f.write(SSHD_CONFIG.format(port=port, root=self.root, user=USER))
                boot_id = os.path.join(self.root, f"boot_id{n}")
                with open(boot_id, "w") as f:
                    f.write(str(uuid.uuid4()) + "\n")
                os.chmod(boot_id, 0o444)
                configs += [boot_id, conf]
        # The namespace's PID 1 is a shell that starts the sshds and waits;
        # each sshd is exec'd in a mount namespace with its own boot id.
        start_one = ('unshare --mount sh -c \'mount --bind "$1" /proc/sys/kernel/random/boot_id'
                     ' && exec /usr/sbin/sshd -D -e -f "$2"\' sh')
        self.ns = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--kill-child", "sh", "-c",
             f'while [ $# -gt 0 ]; do {start_one} "$1" "$2" & shift 2; done; wait', "sh", *configs],
            stderr=open(os.path.join(self.root, "sshd.log"), "w"))
        deadline = time.monotonic() + 10
        for port in self.ports:
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"sshd on port {port} did not start: {self.root}/sshd.log")
                    time.sleep(0.05)
        self.reset()

    def port(self, i):
        if i <= DISTINCT:
            return self.ports[i - 1]
        return self.ports[DISTINCT + (i - DISTINCT - 1) // PER_SSHD]

    def inventory(self, n, path):
        """Writes an inventory of hosts h1..hN to PATH."""
        cp = os.path.join(self.root, "cp")
        os.makedirs(cp, exist_ok=True)
        with open(path, "w") as f:
            f.write("[bench]\n")
            for i in range(1, n + 1):
                f.write(f"h{i} ansible_host=127.0.0.1 ansible_port={self.port(i)} "
                        f"bench_dir={self.workdir(i)} ansible_control_path={cp}/h{i}\n")
            f.write("[bench:vars]\n"
                    f"ansible_user={USER}\n"
                    f"ansible_ssh_private_key_file={self.key}\n"
                    f"ansible_ssh_common_args='-o UserKnownHostsFile={self.known_hosts} "
                    "-o StrictHostKeyChecking=yes'\n"
                    "ansible_python_interpreter=/usr/bin/python3\n"
                    # 500 handshakes at once on 2 cores take longer than the default 10 s.
                    "ansible_ssh_timeout=60\n")
        return path

    def control_paths(self, n):
        return [os.path.join(self.root, "cp", f"h{i}") for i in range(1, n + 1)]

    def ssh_argv(self, i):
        """ssh to inventory host I as both tools connect (same key and known_hosts)."""
        return ["ssh", "-T", "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={self.known_hosts}",
                "-o", "StrictHostKeyChecking=yes", "-i", self.key, "-p", str(self.port(i)),
                f"{USER}@127.0.0.1"]

    def reset(self):
        """Empty working directories for every host (a fresh first run)."""
        base = os.path.join(self.root, "hosts")
        shutil.rmtree(base)
        os.makedirs(base)
        for i in range(1, self.count + 1):
            os.makedirs(self.workdir(i))
        subprocess.run(["chown", "-R", f"{USER}:{USER}", base, self.home], check=True)

    def _sshds(self):
        inits = children(self.ns.pid)
        return children(inits[0]) if inits else []

    def settle(self, timeout=10.0):
        """Waits until no session is left on the hosts (their CPU time is then reaped)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not any(children(p) for p in self._sshds()):
                return True
            time.sleep(0.05)
        return False

    def counters(self):
        """(processes started in the hosts' namespace so far, hosts' CPU seconds so far)."""
        inits = children(self.ns.pid)
        out = subprocess.run(["nsenter", "-t", str(inits[0]), "-p", "cat",
                              "/proc/sys/kernel/ns_last_pid"],
                             check=True, capture_output=True, text=True).stdout
        self.probes += 1  # that cat: a process of the namespace, not the hosts' work
        # The sshd's session processes are reaped by the listener or, as
        # orphans, by the namespace's PID 1: their times are in one of them.
        # Sessions still open (ControlPersist, drover's holders) count with
        # their own times so far, so each run gets the host CPU it caused.
        cpu = sum(proc_times(p) for p in inits[:1]) + sum(tree_times(p) for p in self._sshds())
        return int(out) - self.probes, cpu

    def stop(self):
        if self.ns and self.ns.poll() is None:
            self.ns.kill()  # --kill-child: the namespace's PID 1 dies, and with it every process in it
            self.ns.wait()
        if self.user_made:
            subprocess.run(["userdel", "-f", USER], stderr=subprocess.DEVNULL)
            self.user_made = False


SSHD_CONFIG = """Port {port}
ListenAddress 127.0.0.1
HostKey {root}/id_ed25519.host
PidFile none
AuthorizedKeysFile {root}/authorized_keys
AllowUsers {user}
StrictModes no
UsePAM no
UseDNS no
PasswordAuthentication no
KbdInteractiveAuthentication no
MaxSessions 1000
MaxStartups 2000
Subsystem sftp internal-sftp
LogLevel ERROR
"""
