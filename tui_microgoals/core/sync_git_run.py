"""Running git for sync, safely: each command in one clone, with an environment and settings that
neither the user's shell nor the repository's content can turn against us, a timeout, and one
line when it fails.

Git runs with no terminal, prompt, editor, hooks or signing, in a session of its own, and writes
its output to files rather than pipes: if microgoals is killed, the git command under way still
finishes cleanly; if git hangs, the timeout kills it with what it started (ssh, a helper).
Every failure is a ``SyncError`` of one line, with what to do when git's words say.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tui_microgoals.core.errors import SyncError

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


@dataclass(frozen=True)
class Settings:
    """The git binary, its environment, and the ``-c`` options that give a commit an identity
    where the user has not configured one."""

    binary: str
    env: dict[str, str]
    identity: tuple[str, ...]


class Git:
    """Runs git in the clone at ``path`` (or in ``cwd`` when a call gives one)."""

    #: Seconds a git command may take: one that talks to the remote, and one that does not.
    network_timeout = 120.0
    local_timeout = 60.0

    def __init__(self, path: Path) -> None:
        self.path = path
        self.git_dir = path / ".git"
        self._settings: Settings | None = None

    def is_clone(self) -> bool:
        return self.git_dir.is_dir() and not self.git_dir.is_symlink()

    def run(
        self,
        *args: str,
        cwd: Path | None = None,
        network: bool = False,
        identity: bool = False,
    ) -> tuple[int, str, str]:
        """Runs git; returns its exit code, output and errors."""
        code, out, err = self._run_raw(args, cwd, network, identity)
        return code, _text(out), _text(err)

    def check(
        self,
        action: str,
        *args: str,
        cwd: Path | None = None,
        network: bool = False,
        identity: bool = False,
    ) -> str:
        """Runs git; its output, or a SyncError naming the action when it fails."""
        code, out, err = self.run(*args, cwd=cwd, network=network, identity=identity)
        if code != 0:
            raise SyncError(explain(action, err or out))
        return out

    def resolves(self, ref: str, cwd: Path | None = None) -> bool:
        code, _, _ = self.run("rev-parse", "--quiet", "--verify", f"{ref}^{{commit}}", cwd=cwd)
        return code == 0

    def blob(self, ref: str, name: str) -> bytes | None:
        """The bytes of file ``name`` at ``ref``; None when git cannot give them."""
        code, out, _ = self._run_raw(("cat-file", "blob", f"{ref}:{name}"), None, False, False)
        return out if code == 0 else None

    def _run_raw(
        self, args: tuple[str, ...], cwd: Path | None, network: bool, identity: bool
    ) -> tuple[int, bytes, bytes]:
        settings = self.settings()
        command = [settings.binary]
        for setting in _CONFIG:
            command += ["-c", setting]
        if identity:
            command += settings.identity
        command += args
        timeout = self.network_timeout if network else self.local_timeout
        return _execute(command, cwd or self.path, settings.env, timeout, args[0])

    def settings(self) -> Settings:
        """Looked up once: git's environment, where ssh never prompts (unless the user chose
        an ssh command) and messages come in English, and the identity to commit with."""
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
            where = self.path if self.is_clone() else Path(self.path.anchor or "/")
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
            self._settings = Settings(git, env, tuple(identity))
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


def explain(action: str, said: str) -> str:
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
    return redact(f"{action} failed: {line}" + (f"; {hint}" if hint else ""))


def redact(text: str) -> str:
    """Hides a password or token written into a URL (https://user:token@host/...)."""
    return re.sub(r"(://)[^/@\s:]*:[^/@\s]*@", r"\1***@", text)


def _host() -> str:
    host = re.sub(r"[^A-Za-z0-9.-]", "", socket.gethostname())
    return host or "localhost"


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")
