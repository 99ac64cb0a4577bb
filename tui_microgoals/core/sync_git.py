"""The git transport of sync: a local clone of the user's sync repository, kept in step with
its remote.

The sync engine calls ``setup()`` once (``microgoals sync init --git REMOTE``), then on every
sync ``pull()``, writes its own files under ``microgoals/``, and ``publish(message)``. Each
device writes only its own files, so a merge never conflicts in normal use.

How each git command runs (no prompt, hooks or signing; a timeout; one line when it fails) is
``sync_git_run``; what a killed run left (a stale lock, a merge under way, a checkout cut short)
is cleared by ``sync_git_recover`` before the next one starts.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

from tui_microgoals.core.errors import SyncError
from tui_microgoals.core.sync_git_recover import (
    clear_leftovers,
    drop_if_superseded,
    merging,
    undo_merge,
)
from tui_microgoals.core.sync_git_run import Git, explain, redact

#: The folder of the work tree that sync owns: nothing outside it is ever added.
FOLDER = "microgoals"
#: The branch an empty remote gets.
BRANCH = "main"


class GitFolder:
    """A clone of the sync repository at ``path``; ``remote`` is needed by ``setup`` only."""

    #: How many times ``publish`` pushes when the remote keeps moving on meanwhile.
    push_tries = 4

    def __init__(self, path: Path, remote: str | None) -> None:
        self.path = Path(path)
        self.remote = remote
        #: Runs git in the clone (its timeouts are set there).
        self.git = Git(self.path)

    @property
    def git_dir(self) -> Path:
        return self.git.git_dir

    # -- the engine's calls --------------------------------------------------------------

    def setup(self) -> None:
        """Makes ``path`` a clone of the remote (an empty remote gets branch ``main`` on the
        first publish); a clone of the same remote is left as it is."""
        remote = _absolute_remote((self.remote or "").strip())
        if not remote:
            raise SyncError("give the git remote to sync with")
        if self.git.is_clone():
            code, current, _ = self.git.run("config", "--get", "remote.origin.url")
            if code == 0 and _same_remote(current.strip(), remote):
                return
            what = f"a clone of {current.strip()}" if code == 0 else "another git repository"
            raise SyncError(
                redact(
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
            self.git.check(
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
            if not self.git.resolves("HEAD", cwd=staging):
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
        self.git.check(
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
        if self.git.resolves(theirs):
            self._merge(theirs)
        self._tighten()

    def publish(self, message: str) -> bool:
        """Commits what changed under ``microgoals/`` and pushes; when the remote moved on,
        pulls and pushes again. True if commits were pushed."""
        branch = self._ready()
        folder = self.path / FOLDER
        if folder.is_dir() and not folder.is_symlink():
            # --force: a global gitignore (``*.log``) must never silently drop a log.
            self.git.check("staging the changes", "add", "--all", "--force", "--", FOLDER)
            staged, _, err = self.git.run("diff", "--cached", "--quiet", "--", FOLDER)
            if staged not in (0, 1):
                raise SyncError(explain("reading the changes", err))
            if staged == 1:
                self.git.check(
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
            code, out, err = self.git.run(
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
                raise SyncError(explain("pushing to the remote", err or out))
            self.pull()
        raise SyncError(
            "the remote kept changing while pushing (other devices syncing?): sync again"
        )

    def ahead(self) -> int:
        """Commits not pushed yet (as of the last fetch); 0 when unknown."""
        try:
            return self._ahead() if self.git.is_clone() else 0
        except SyncError:
            return 0

    # -- steps --------------------------------------------------------------------------

    def _ready(self) -> str:
        """Checks the clone, clears what a crash left, and returns the branch's name."""
        if not self.git.is_clone():
            raise SyncError(
                f"{self.path} is not set up for sync: run `microgoals sync init --git REMOTE`"
            )
        clear_leftovers(self.git)
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
        for args in (
            ("symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"),
            ("config", f"branch.{BRANCH}.remote", "origin"),
            ("config", f"branch.{BRANCH}.merge", f"refs/heads/{BRANCH}"),
        ):
            self.git.check("starting the branch", *args, cwd=repo)
        theirs = f"refs/remotes/origin/{BRANCH}"
        if self.git.resolves(theirs, cwd=repo):
            self.git.check(
                "checking out the remote", "reset", "--quiet", "--hard", theirs, cwd=repo
            )

    def _merge(self, theirs: str, again: bool = True) -> None:
        code, out, err = self.git.run(
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
        _, names, _ = self.git.run("diff", "--name-only", "--diff-filter=U", "-z")
        conflicted = [name for name in names.split("\0") if name]
        if conflicted or merging(self.git):
            undo_merge(self.git)
            if not conflicted:  # the merge commit itself failed (a full disk...)
                raise SyncError(explain("merging the other devices' changes", err or out))
            raise SyncError(
                f"the other devices' changes conflict with this one's in {', '.join(conflicted)} "
                f"(edited by hand?); nothing was merged: resolve it with git in {self.path}, "
                "then sync again"
            )
        said = out + err
        if "would be overwritten" in said:
            files = [line.strip() for line in said.splitlines() if line[:1] == "\t"]
            if (
                again
                and files
                and all(drop_if_superseded(self.git, name, theirs, FOLDER) for name in files)
            ):
                self._merge(theirs, again=False)
                return
            raise SyncError(
                f"the other devices' changes would overwrite local changes to "
                f"{', '.join(files) or 'some files'} (edited by hand?); nothing was merged: "
                f"commit or undo them with git in {self.path}, then sync again"
            )
        raise SyncError(explain("merging the other devices' changes", err or out))

    def _ahead(self) -> int:
        code, out, err = self.git.run("rev-list", "--count", "HEAD", "--not", "--remotes=origin")
        if code == 0:
            return int(out.strip() or 0)
        if not self.git.resolves("HEAD"):
            return 0  # nothing committed yet
        raise SyncError(explain("counting the commits to push", err))

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
