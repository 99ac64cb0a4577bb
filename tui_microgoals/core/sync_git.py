"""The git transport of sync: a local clone of the user's sync repository, kept in step with
its remote.

The sync engine calls ``setup()`` once (``microgoals sync init --git REMOTE``), then on every
sync ``pull()``, writes its own files under ``microgoals/``, and ``publish(message)``. Each
device writes only its own files, so a merge never conflicts in normal use.

Git runs with no terminal, prompt, editor, hooks or signing, in a session of its own, with a
timeout, and writes its output to files rather than pipes: if microgoals is killed, the git
command under way still finishes cleanly. What a harder crash leaves behind (a stale lock, a
merge under way) is cleared by the next run. Every failure is a ``SyncError`` of one line.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from tui_microgoals.core.errors import SyncError

#: The folder of the work tree that sync owns: nothing outside it is ever added.
FOLDER = "microgoals"
#: The branch an empty remote gets.
BRANCH = "main"

#: Given to every git command: no hooks, signing or autostash, nothing the repository's content
#: could turn into a command or a path outside it (symlinks are checked out as plain files),
#: and received objects are checked.
_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.symlinks=false",
    "core.autocrlf=false",
    "commit.gpgSign=false",
    "push.gpgSign=false",
    "merge.autoStash=false",
    "submodule.recurse=false",
    "protocol.ext.allow=never",
    "transfer.fsckObjects=true",
)
#: Variables that would point git at another repository than ours (set when microgoals runs
#: from a git hook or alias, for instance).
_REPO_VARS = frozenset(
    {
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_NAMESPACE",
        "GIT_PREFIX",
        "GIT_QUARANTINE_PATH",
        "GIT_LITERAL_PATHSPECS",
        "GIT_GLOB_PATHSPECS",
        "GIT_NOGLOB_PATHSPECS",
        "GIT_ICASE_PATHSPECS",
    }
)
#: A lock older than this is stale even where running processes cannot be listed (no /proc).
STALE_AFTER = 600.0

NO_GIT = "git is not installed (or not on PATH): install git to sync through a git remote"

#: What to do, by what git said (the first match wins).
_HINTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("No space left on device", "Disk quota exceeded"), "free some disk space, then sync again"),
    (
        (
            "Permission denied",
            "Authentication failed",
            "could not read Username",
            "could not read Password",
            "terminal prompts disabled",
            "Host key verification failed",
        ),
        "check that git reaches the remote without a password prompt "
        "(an ssh key or a credential helper)",
    ),
    (
        ("refusing to update checked out branch", "denyCurrentBranch"),
        "the remote must be a bare repository (git init --bare)",
    ),
    (
        (
            "does not appear to be a git repository",
            "not a git repository",
            "not found",
            "does not exist",
        ),
        "check the remote's address: it must be a git repository",
    ),
    (
        (
            "Could not resolve",
            "Connection refused",
            "Connection timed out",
            "Connection reset",
            "Network is unreachable",
            "No route to host",
            "unable to access",
            "Could not read from remote repository",
        ),
        "check the network and the remote's address, then sync again",
    ),
    (("dubious ownership",), "the folder belongs to another user"),
)


class GitFolder:
    """A clone of the sync repository at ``path``; ``remote`` is needed by ``setup`` only."""

    #: Seconds a git command may take: one that talks to the remote, and one that does not.
    network_timeout = 120.0
    local_timeout = 60.0
    #: How many times ``publish`` pushes when the remote keeps moving on meanwhile.
    push_tries = 4

    def __init__(self, path: Path, remote: str | None) -> None:
        self.path = Path(path)
        self.remote = remote
        self._settings: tuple[str, dict[str, str], tuple[str, ...]] | None = None

    @property
    def git_dir(self) -> Path:
        return self.path / ".git"

    # -- the engine's calls --------------------------------------------------------------

    def setup(self) -> None:
        """Makes ``path`` a clone of the remote (an empty remote gets branch ``main`` on the
        first publish); a clone of the same remote is left as it is."""
        remote = _absolute_remote((self.remote or "").strip())
        if not remote:
            raise SyncError("give the git remote to sync with")
        if self._is_clone():
            code, current, _ = self._run("config", "--get", "remote.origin.url")
            if code == 0 and _same_remote(current.strip(), remote):
                return
            what = f"a clone of {current.strip()}" if code == 0 else "another git repository"
            raise SyncError(
                _redact(
                    f"{self.path} is already {what}, not of {remote}: "
                    "choose another folder, or remove this one"
                )
            )
        if self.path.is_symlink() or (
            self.path.exists() and (not self.path.is_dir() or any(self.path.iterdir()))
        ):
            raise SyncError(f"{self.path} exists and is not an empty folder: choose another folder")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Cloned beside the target and renamed into place, so a failed or killed clone
            # never leaves a half repository where the next run would look.
            staging = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", dir=self.path.parent))
        except OSError as error:
            raise SyncError(f"cannot create {self.path}: {error.strerror}") from None
        try:
            self._check(
                "cloning the remote",
                "clone",
                "--quiet",
                "--no-recurse-submodules",
                "--",
                remote,
                str(staging),
                cwd=staging.parent,
                network=True,
            )
            if not self._resolves("HEAD", cwd=staging):
                self._start_branch(staging)
            os.replace(staging, self.path)
        except OSError as error:
            raise SyncError(f"cannot create {self.path}: {error.strerror}") from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._tighten()

    def pull(self) -> None:
        """Fetches the remote and merges it (fast-forward when it can, else a merge commit).
        A conflict aborts the merge, leaves the work tree as it was and raises."""
        branch = self._ready()
        self._check(
            "fetching from the remote",
            "fetch",
            "--quiet",
            "--prune",  # a remote made again from scratch then gets everything again
            "--no-tags",
            "--no-recurse-submodules",
            "origin",
            network=True,
        )
        theirs = f"refs/remotes/origin/{branch}"
        if self._resolves(theirs):
            self._merge(theirs)
        self._tighten()

    def publish(self, message: str) -> bool:
        """Commits what changed under ``microgoals/`` and pushes; when the remote moved on,
        pulls and pushes again. True if commits were pushed."""
        branch = self._ready()
        folder = self.path / FOLDER
        if folder.is_dir() and not folder.is_symlink():
            # --force: a global gitignore (``*.log``) must never silently drop a log.
            self._check("staging the changes", "add", "--all", "--force", "--", FOLDER)
            staged, _, err = self._run("diff", "--cached", "--quiet", "--", FOLDER)
            if staged not in (0, 1):
                raise SyncError(_explain("reading the changes", err))
            if staged == 1:
                self._check(
                    "committing the changes",
                    "commit",
                    "--quiet",
                    "--no-verify",
                    "-m",
                    message.strip() or "microgoals sync",
                    "--",
                    FOLDER,
                    identity=True,
                )
        for attempt in range(self.push_tries):
            if self._ahead() == 0:
                return attempt > 0
            code, out, err = self._run(
                "push",
                "--quiet",
                "--no-verify",
                "origin",
                f"refs/heads/{branch}:refs/heads/{branch}",
                network=True,
            )
            if code == 0:
                return True
            said = out + err
            if not any(word in said for word in ("[rejected]", "fetch first", "non-fast-forward")):
                raise SyncError(_explain("pushing to the remote", err or out))
            self.pull()
        raise SyncError(
            "the remote kept changing while pushing (other devices syncing?): sync again"
        )

    def ahead(self) -> int:
        """Commits not pushed yet (as of the last fetch); 0 when unknown."""
        try:
            return self._ahead() if self._is_clone() else 0
        except SyncError:
            return 0

    # -- steps --------------------------------------------------------------------------

    def _ready(self) -> str:
        """Checks the clone, clears what a crash left, and returns the branch's name."""
        if not self._is_clone():
            raise SyncError(
                f"{self.path} is not set up for sync: run `microgoals sync init --git REMOTE`"
            )
        self._clear_stale_locks()
        if (self.git_dir / "MERGE_HEAD").exists():
            code, _, _ = self._run("merge", "--abort")
            if code != 0:
                self._check("undoing an interrupted merge", "reset", "--quiet", "--merge")
        try:
            head = (self.git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
        except OSError as error:
            raise SyncError(f"cannot read {self.git_dir / 'HEAD'}: {error.strerror}") from None
        if not head.startswith("ref: refs/heads/"):
            raise SyncError(
                f"{self.path} is not on a branch: check one out with git, then sync again"
            )
        return head.removeprefix("ref: refs/heads/")

    def _start_branch(self, repo: Path) -> None:
        """A clone with no branch checked out (an empty remote, or one whose HEAD names no
        branch) goes on ``main``, taking the remote's ``main`` when it has one."""
        self._check("starting the branch", "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}", cwd=repo)
        for key, value in (("remote", "origin"), ("merge", f"refs/heads/{BRANCH}")):
            self._check("starting the branch", "config", f"branch.{BRANCH}.{key}", value, cwd=repo)
        theirs = f"refs/remotes/origin/{BRANCH}"
        if self._resolves(theirs, cwd=repo):
            self._check("checking out the remote", "reset", "--quiet", "--hard", theirs, cwd=repo)

    def _merge(self, theirs: str, again: bool = True) -> None:
        code, out, err = self._run(
            "merge",
            "--quiet",
            "--ff",
            "--no-edit",
            "--no-stat",
            "--no-verify-signatures",
            "--allow-unrelated-histories",
            "-m",
            "microgoals: merge the other devices' changes",
            theirs,
            identity=True,
        )
        if code == 0:
            return
        _, names, _ = self._run("diff", "--name-only", "--diff-filter=U", "-z")
        conflicted = [name for name in names.split("\0") if name]
        if conflicted or (self.git_dir / "MERGE_HEAD").exists():
            code, _, _ = self._run("merge", "--abort")
            if code != 0:
                self._run("reset", "--quiet", "--merge")
            if not conflicted:  # the merge commit itself failed (a full disk...)
                raise SyncError(_explain("merging the other devices' changes", err or out))
            raise SyncError(
                f"the other devices' changes conflict with this one's in {', '.join(conflicted)} "
                f"(edited by hand?); nothing was merged: resolve it with git in {self.path}, "
                "then sync again"
            )
        said = out + err
        if "would be overwritten" in said:
            files = [line.strip() for line in said.splitlines() if line[:1] == "\t"]
            if again and files and all(self._drop_if_superseded(name, theirs) for name in files):
                self._merge(theirs, again=False)
                return
            raise SyncError(
                f"the other devices' changes would overwrite local changes to "
                f"{', '.join(files) or 'some files'} (edited by hand?); nothing was merged: "
                f"commit or undo them with git in {self.path}, then sync again"
            )
        raise SyncError(_explain("merging the other devices' changes", err or out))

    def _drop_if_superseded(self, name: str, theirs: str) -> bool:
        """Removes a local file in the way of the merge when the incoming version holds all of
        it (it starts with it): what a checkout cut short (git killed) leaves. Nothing is lost."""
        path = self.path / name
        if not name.startswith(f"{FOLDER}/") or ".." in Path(name).parts or path.is_symlink():
            return False
        git, env, _ = self._git()
        command = [git, "cat-file", "blob", f"{theirs}:{name}"]
        code, incoming, _ = _execute(command, self.path, env, self.local_timeout, "cat-file")
        try:
            if code != 0 or not incoming.startswith(path.read_bytes()):
                return False
            path.unlink()
        except OSError:
            return False
        return True

    def _ahead(self) -> int:
        code, out, err = self._run("rev-list", "--count", "HEAD", "--not", "--remotes=origin")
        if code == 0:
            return int(out.strip() or 0)
        if not self._resolves("HEAD"):
            return 0  # nothing committed yet
        raise SyncError(_explain("counting the commits to push", err))

    def _tighten(self) -> None:
        """The sync folder holds personal data: its files 0600, its folders 0700 (git checks
        files out with the umask)."""
        root = self.path / FOLDER
        if not root.is_dir() or root.is_symlink():
            return
        try:
            _chmod(root, 0o700)
            for folder, dirs, files in os.walk(root):
                for name in dirs:
                    _chmod(Path(folder, name), 0o700)
                for name in files:
                    _chmod(Path(folder, name), 0o600)
        except OSError as error:
            raise SyncError(f"cannot make {error.filename} private: {error.strerror}") from None

    def _clear_stale_locks(self) -> None:
        """Removes the lock files a killed git left, unless a git process still works here."""
        try:
            locks = [*self.git_dir.glob("*.lock"), *(self.git_dir / "refs").rglob("*.lock")]
        except OSError:
            return
        if not locks:
            return
        before = [_identity(lock) for lock in locks]
        running = git_running_in(self.path)
        if running is None:
            running = any(_age(lock) < STALE_AFTER for lock in locks)
        if running:
            raise SyncError(
                f"another git command is working in {self.path} (or left {locks[0].name}); "
                "sync again when it has finished"
            )
        for lock, seen in zip(locks, before, strict=True):
            # A lock made since the scan (a new inode) belongs to a git that just started.
            if seen is not None and _identity(lock) == seen:
                lock.unlink(missing_ok=True)

    # -- running git ----------------------------------------------------------------------

    def _is_clone(self) -> bool:
        return self.git_dir.is_dir() and not self.git_dir.is_symlink()

    def _resolves(self, ref: str, cwd: Path | None = None) -> bool:
        code, _, _ = self._run("rev-parse", "--quiet", "--verify", f"{ref}^{{commit}}", cwd=cwd)
        return code == 0

    def _check(
        self,
        action: str,
        *args: str,
        cwd: Path | None = None,
        network: bool = False,
        identity: bool = False,
    ) -> str:
        """Runs git; its output, or a SyncError naming the action when it fails."""
        code, out, err = self._run(*args, cwd=cwd, network=network, identity=identity)
        if code != 0:
            raise SyncError(_explain(action, err or out))
        return out

    def _run(
        self,
        *args: str,
        cwd: Path | None = None,
        network: bool = False,
        identity: bool = False,
    ) -> tuple[int, str, str]:
        """Runs git in the clone; returns its exit code, output and errors."""
        git, env, identity_args = self._git()
        command = [git]
        for setting in _CONFIG:
            command += ["-c", setting]
        if identity:
            command += identity_args
        command += args
        timeout = self.network_timeout if network else self.local_timeout
        code, out, err = _execute(command, cwd or self.path, env, timeout, args[0])
        return code, _text(out), _text(err)

    def _git(self) -> tuple[str, dict[str, str], tuple[str, ...]]:
        """The git binary, its environment, and the identity to commit with (looked up once)."""
        if self._settings is None:
            env = {key: value for key, value in os.environ.items() if key not in _REPO_VARS}
            env.update(GIT_TERMINAL_PROMPT="0", GIT_EDITOR="true", GIT_MERGE_AUTOEDIT="no")
            env.update(LC_ALL="C", LANGUAGE="C")  # messages to read, in English
            # No password window either (an askpass program the user chose is kept).
            env.setdefault("GIT_ASKPASS", "")
            env.setdefault("GCM_INTERACTIVE", "never")
            git = shutil.which("git", path=env.get("PATH", os.defpath))
            if git is None:
                raise SyncError(NO_GIT)
            where = self.path if self._is_clone() else Path(self.path.anchor or "/")
            pattern = r"^(user\.name|user\.email|core\.sshcommand)$"
            _, out, _ = _execute(
                [git, "config", "--get-regexp", pattern], where, env, self.local_timeout, "config"
            )
            configured = {line.split(" ", 1)[0] for line in _text(out).splitlines()}
            if not (
                "core.sshcommand" in configured or "GIT_SSH_COMMAND" in env or "GIT_SSH" in env
            ):
                env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
            identity: list[str] = []
            if "user.name" not in configured:
                identity += ["-c", "user.name=microgoals"]
            if "user.email" not in configured and not env.get("EMAIL"):
                identity += ["-c", f"user.email=microgoals@{_host()}"]
            self._settings = (git, env, tuple(identity))
        return self._settings


def _execute(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float, what: str
) -> tuple[int, bytes, bytes]:
    """Runs one git command in a session of its own (no terminal to prompt on, and a kill of
    microgoals does not cut it short), its output in files rather than pipes."""
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                process = subprocess.Popen(
                    command,
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=err,
                    start_new_session=True,
                    umask=0o077,
                )
            except FileNotFoundError:
                if not Path(cwd).is_dir():
                    raise SyncError(f"{cwd} is missing") from None
                raise SyncError(NO_GIT) from None
            try:
                code = process.wait(timeout)
            except subprocess.TimeoutExpired:
                _kill_session(process)
                raise SyncError(
                    f"git {what} took more than {timeout:g} s and was stopped: "
                    "check the network and the remote, then sync again"
                ) from None
            out.seek(0)
            err.seek(0)
            return code, out.read(), err.read()
    except OSError as error:
        raise SyncError(f"cannot run git {what}: {error.strerror}") from None


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    """Kills git and what it started (ssh, a remote helper), which would outlive it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except OSError:
        process.kill()
    process.wait()


def git_running_in(path: Path) -> bool | None:
    """Whether a git process works in ``path`` (its current folder is in it); None where
    processes cannot be listed."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return None
    target = os.path.realpath(path)
    for entry in os.scandir(proc):
        if not entry.name.isdigit():
            continue
        try:
            if not Path(entry.path, "comm").read_text().startswith("git"):
                continue
            cwd = os.readlink(Path(entry.path, "cwd"))
        except OSError:
            continue
        if cwd == target or cwd.startswith(target + os.sep):
            return True
    return False


def _explain(action: str, said: str) -> str:
    """One line: what failed, what git said, and what to do."""
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    line = next(
        (
            line
            for prefix in ("ssh:", "fatal:", "error:")
            for line in lines
            if line.startswith(prefix)
        ),
        lines[-1] if lines else "no reason given",
    )
    for prefix in ("fatal: ", "error: "):
        line = line.removeprefix(prefix)
    if len(line) > 200:
        line = line[:199] + "…"
    hint = next((hint for words, hint in _HINTS if any(word in said for word in words)), "")
    return _redact(f"{action} failed: {line}" + (f"; {hint}" if hint else ""))


def _redact(text: str) -> str:
    """Hides a password or token written into a URL (https://user:token@host/...)."""
    return re.sub(r"(://)[^/@\s:]*:[^/@\s]*@", r"\1***@", text)


def _absolute_remote(remote: str) -> str:
    """A local path made absolute (git runs elsewhere); URLs and ``host:path`` unchanged."""
    if not remote or "://" in remote or ":" in remote.split("/", 1)[0]:
        return remote
    return str(Path(remote).expanduser().absolute())


def _same_remote(one: str, other: str) -> bool:
    if one == other:
        return True
    if "://" in one + other or ":" in one.split("/", 1)[0] + other.split("/", 1)[0]:
        return one.rstrip("/") == other.rstrip("/")
    return os.path.realpath(one) == os.path.realpath(other)


def _chmod(path: Path, mode: int) -> None:
    status = path.lstat()
    if not stat.S_ISLNK(status.st_mode) and status.st_mode & 0o777 != mode:
        os.chmod(path, mode)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return STALE_AFTER


def _host() -> str:
    host = re.sub(r"[^A-Za-z0-9.-]", "", socket.gethostname())
    return host or "localhost"


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
