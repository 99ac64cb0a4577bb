"""The git transport of sync, against real git and bare repositories in tmp_path: two "devices"
are two clones of one bare remote."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tui_microgoals.core import sync_git, sync_git_recover, sync_git_run
from tui_microgoals.core.errors import SyncError
from tui_microgoals.core.sync_git import FOLDER, GitFolder
from tui_microgoals.core.sync_git_run import Git

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed: the git transport needs it"
)


@pytest.fixture(autouse=True)
def plain_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No user or system git config leaks in (an identity, a hook path, a signing key)."""
    config = tmp_path / "gitconfig"
    config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("EMAIL", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GIT_COMMITTER_EMAIL", raising=False)
    return config


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(path))
    return path


def device(tmp_path: Path, remote: Path | str, name: str) -> GitFolder:
    folder = GitFolder(tmp_path / name, str(remote))
    folder.setup()
    return folder


def write(folder: GitFolder, device_id: str, name: str, text: str) -> Path:
    path = folder.path / FOLDER / device_id / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        file.write(text)
    return path


def files(folder: GitFolder) -> dict[str, str]:
    root = folder.path / FOLDER
    return {
        str(path.relative_to(root)): path.read_text() for path in root.rglob("*") if path.is_file()
    }


def one_line(error: pytest.ExceptionInfo[SyncError]) -> str:
    text = str(error.value)
    assert text and "\n" not in text and "Traceback" not in text
    return text


# -- setup -------------------------------------------------------------------------------


def test_setup_on_an_empty_remote_starts_main_and_the_first_publish_pushes_it(
    tmp_path: Path, remote: Path
) -> None:
    laptop = device(tmp_path, remote, "laptop")
    assert stat.S_IMODE(laptop.path.stat().st_mode) == 0o700
    assert (laptop.git_dir / "HEAD").read_text().strip() == "ref: refs/heads/main"
    laptop.pull()  # an empty remote: nothing to fetch or merge
    assert laptop.ahead() == 0

    write(laptop, "L", "ops.jsonl", "1\n")
    assert laptop.publish("laptop: 1 operation") is True
    assert (
        git(remote, "rev-parse", "refs/heads/main").strip()
        == git(laptop.path, "rev-parse", "HEAD").strip()
    )
    assert git(laptop.path, "config", "branch.main.remote").strip() == "origin"
    assert laptop.publish("nothing new") is False
    write(laptop, "L", "ops.jsonl", "2\n")
    assert laptop.publish("") is True  # an empty message still commits


def test_setup_on_a_remote_with_history_checks_it_out(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    laptop.publish("laptop")
    # The bare remote's HEAD still names master, which does not exist: main is taken anyway.
    desktop = device(tmp_path, remote, "desktop")
    assert files(desktop) == {"L/ops.jsonl": "1\n"}
    assert (desktop.git_dir / "HEAD").read_text().strip() == "ref: refs/heads/main"
    assert desktop.ahead() == 0


def test_a_file_url_remote(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, f"file://{remote}", "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    assert laptop.publish("laptop") is True
    GitFolder(laptop.path, f"file://{remote}").setup()  # the same remote: nothing to do
    assert git(remote, "log", "--format=%s", "main").strip() == "laptop"


def test_a_remote_made_again_from_scratch_gets_everything_again(
    tmp_path: Path, remote: Path
) -> None:
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    laptop.publish("laptop")
    shutil.rmtree(remote)
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    laptop.pull()
    assert laptop.publish("nothing new") is True
    assert files(device(tmp_path, remote, "desktop")) == {"L/ops.jsonl": "1\n"}


def test_setup_again_on_the_same_clone_does_nothing(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    head = (laptop.git_dir / "HEAD").read_text()
    GitFolder(laptop.path, str(remote) + "/").setup()
    GitFolder(laptop.path, os.path.relpath(remote)).setup()
    assert (laptop.git_dir / "HEAD").read_text() == head
    assert files(laptop) == {"L/ops.jsonl": "1\n"}


def test_setup_refuses_a_folder_that_is_something_else(tmp_path: Path, remote: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    with pytest.raises(SyncError) as error:
        GitFolder(taken, str(remote)).setup()
    assert "not an empty folder" in one_line(error)
    assert sorted(os.listdir(taken)) == ["notes.txt"]
    assert (taken / "notes.txt").read_text() == "mine"

    other = tmp_path / "other.git"
    git(tmp_path, "init", "--quiet", "--bare", str(other))
    laptop = device(tmp_path, remote, "laptop")
    with pytest.raises(SyncError) as error:
        GitFolder(laptop.path, str(other)).setup()
    assert "already a clone of" in one_line(error)
    assert git(laptop.path, "config", "remote.origin.url").strip() == str(remote)
    project = tmp_path / "project"
    git(tmp_path, "init", "--quiet", str(project))
    with pytest.raises(SyncError) as error:
        GitFolder(project, str(remote)).setup()
    assert "already another git repository" in one_line(error)
    # Nothing was left beside the folders either (the clone is staged next to its target).
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_setup_into_an_existing_empty_folder(tmp_path: Path, remote: Path) -> None:
    (tmp_path / "empty").mkdir(mode=0o755)
    folder = device(tmp_path, remote, "empty")
    assert folder.git_dir.is_dir()
    assert stat.S_IMODE(folder.path.stat().st_mode) == 0o700


# -- two devices -------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["laptop", "desktop"])
def test_two_devices_end_with_the_same_files_whoever_syncs_first(
    tmp_path: Path, remote: Path, first: str
) -> None:
    devices = {name: device(tmp_path, remote, name) for name in ("laptop", "desktop")}
    order = [devices[first], *(d for n, d in devices.items() if n != first)]
    for round_ in range(2):
        for folder in order:
            folder.pull()
            write(folder, folder.path.name, "ops.jsonl", f"{round_}\n")
        for folder in reversed(order):
            folder.publish(f"{folder.path.name} {round_}")
    for folder in order:
        folder.pull()
    expected = {"laptop/ops.jsonl": "0\n1\n", "desktop/ops.jsonl": "0\n1\n"}
    assert files(devices["laptop"]) == files(devices["desktop"]) == expected
    assert devices["laptop"].ahead() == devices["desktop"].ahead() == 0


def test_a_rejected_push_is_pulled_and_pushed_again(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    desktop = device(tmp_path, remote, "desktop")
    write(laptop, "L", "ops.jsonl", "l\n")
    assert laptop.publish("laptop") is True
    write(desktop, "D", "ops.jsonl", "d\n")
    assert desktop.publish("desktop") is True  # rejected (fetch first), merged, pushed
    assert files(desktop) == {"L/ops.jsonl": "l\n", "D/ops.jsonl": "d\n"}
    parents = git(desktop.path, "log", "-1", "--format=%P").split()
    assert len(parents) == 2, "a merge commit, made without an editor"
    laptop.pull()
    assert files(laptop) == files(desktop)
    assert git(remote, "rev-parse", "main") == git(laptop.path, "rev-parse", "HEAD")


def test_a_remote_that_keeps_moving_gives_up_after_a_few_tries(
    tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = device(tmp_path, remote, "laptop")
    desktop = device(tmp_path, remote, "desktop")
    write(desktop, "D", "ops.jsonl", "d\n")
    desktop.publish("desktop")
    write(laptop, "L", "ops.jsonl", "l\n")
    monkeypatch.setattr(GitFolder, "pull", lambda self: None)  # never catches up
    with pytest.raises(SyncError) as error:
        laptop.publish("laptop")
    assert "kept changing" in one_line(error)


def test_a_hand_edited_shared_file_stops_the_merge_and_leaves_the_tree(
    tmp_path: Path, remote: Path
) -> None:
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "shared", "notes.txt", "base\n")
    laptop.publish("base")
    desktop = device(tmp_path, remote, "desktop")
    (laptop.path / FOLDER / "shared" / "notes.txt").write_text("laptop\n")
    laptop.publish("laptop edit")
    (desktop.path / FOLDER / "shared" / "notes.txt").write_text("desktop\n")
    with pytest.raises(SyncError) as error:
        desktop.publish("desktop edit")
    message = one_line(error)
    assert "shared/notes.txt" in message and "nothing was merged" in message
    assert (desktop.path / FOLDER / "shared" / "notes.txt").read_text() == "desktop\n"
    assert not (desktop.git_dir / "MERGE_HEAD").exists()
    assert git(desktop.path, "status", "--porcelain") == ""
    assert desktop.ahead() == 1


def test_a_hand_edit_not_yet_committed_stops_the_pull(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "shared", "notes.txt", "base\n")
    laptop.publish("base")
    desktop = device(tmp_path, remote, "desktop")
    (laptop.path / FOLDER / "shared" / "notes.txt").write_text("laptop\n")
    laptop.publish("laptop edit")
    (desktop.path / FOLDER / "shared" / "notes.txt").write_text("desktop\n")
    head = git(desktop.path, "rev-parse", "HEAD")
    with pytest.raises(SyncError) as error:
        desktop.pull()
    assert "shared/notes.txt" in one_line(error)
    assert (desktop.path / FOLDER / "shared" / "notes.txt").read_text() == "desktop\n"
    assert git(desktop.path, "rev-parse", "HEAD") == head


def test_only_the_sync_folder_is_published_and_ignored_logs_are_not_dropped(
    tmp_path: Path, remote: Path, plain_git: Path
) -> None:
    excludes = tmp_path / "excludes"
    excludes.write_text("*.log\n")
    plain_git.write_text(f"[core]\n\texcludesFile = {excludes}\n")
    laptop = device(tmp_path, remote, "laptop")
    (laptop.path / "stray.txt").write_text("not ours to publish")
    write(laptop, "L", "ops.log", "1\n")
    assert laptop.publish("laptop") is True
    desktop = device(tmp_path, remote, "desktop")
    assert files(desktop) == {"L/ops.log": "1\n"}
    assert not (desktop.path / "stray.txt").exists()


def test_files_are_private_after_a_pull(
    tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = device(tmp_path, remote, "laptop")
    written = write(laptop, "L", "ops.jsonl", "1\n")
    written.chmod(0o644)
    written.parent.chmod(0o755)
    laptop.publish("laptop")
    desktop = device(tmp_path, remote, "desktop")
    desktop.pull()
    for path in [desktop.path / FOLDER, *(desktop.path / FOLDER).rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    # Files that were there before with looser modes are tightened too.
    loose = desktop.path / FOLDER / "L" / "ops.jsonl"
    loose.chmod(0o664)
    desktop.pull()
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600


def test_a_configured_identity_is_kept(tmp_path: Path, remote: Path, plain_git: Path) -> None:
    plain_git.write_text("[user]\n\tname = Ada\n\temail = ada@example.org\n")
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    laptop.publish("laptop")
    assert git(laptop.path, "log", "-1", "--format=%an <%ae>").strip() == "Ada <ada@example.org>"


def test_without_an_identity_commits_are_made_as_microgoals(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    laptop.publish("laptop")
    author = git(laptop.path, "log", "-1", "--format=%an <%ae>").strip()
    assert author.startswith("microgoals <microgoals@")


def test_git_variables_of_another_repository_are_ignored(
    tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    git(tmp_path, "init", "--quiet", str(elsewhere))
    laptop = device(tmp_path, remote, "laptop")
    monkeypatch.setenv("GIT_DIR", str(elsewhere / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(elsewhere))
    write(laptop, "L", "ops.jsonl", "1\n")
    assert GitFolder(laptop.path, None).publish("laptop") is True
    monkeypatch.delenv("GIT_DIR")
    monkeypatch.delenv("GIT_WORK_TREE")
    assert git(elsewhere, "status", "--porcelain") == ""
    assert git(remote, "log", "--format=%s", "main").strip() == "laptop"


def test_hooks_signing_and_editors_of_the_user_are_not_run(
    tmp_path: Path, remote: Path, plain_git: Path
) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for name in ("pre-commit", "commit-msg", "pre-push", "pre-merge-commit", "post-merge"):
        (hooks / name).write_text("#!/bin/sh\necho ran >> " + str(tmp_path / "ran") + "\nexit 1\n")
        (hooks / name).chmod(0o755)
    plain_git.write_text(
        f"[core]\n\thooksPath = {hooks}\n\teditor = false\n"
        "[commit]\n\tgpgSign = true\n[gpg]\n\tprogram = false\n[merge]\n\tff = false\n"
    )
    laptop = device(tmp_path, remote, "laptop")
    desktop = device(tmp_path, remote, "desktop")
    write(laptop, "L", "ops.jsonl", "l\n")
    laptop.publish("laptop")
    write(desktop, "D", "ops.jsonl", "d\n")
    assert desktop.publish("desktop") is True  # a merge commit on the way
    laptop.pull()
    assert files(laptop) == files(desktop)
    assert not (tmp_path / "ran").exists()


def test_a_symlink_from_the_remote_is_checked_out_as_a_plain_file(
    tmp_path: Path, remote: Path
) -> None:
    laptop = device(tmp_path, remote, "laptop")
    link = laptop.path / FOLDER / "D"
    link.parent.mkdir()
    link.symlink_to(tmp_path / "outside")
    git(laptop.path, "add", "-A", FOLDER)
    git(laptop.path, "commit", "--quiet", "-m", "a link out of the folder")
    git(laptop.path, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    desktop = device(tmp_path, remote, "desktop")
    desktop.pull()
    landed = desktop.path / FOLDER / "D"
    assert landed.is_file() and not landed.is_symlink()
    assert stat.S_IMODE(landed.stat().st_mode) == 0o600


def test_ssh_never_prompts_unless_the_user_chose_an_ssh_command(
    tmp_path: Path, plain_git: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GIT_SSH_COMMAND", raising=False)
    monkeypatch.delenv("GIT_SSH", raising=False)
    monkeypatch.delenv("GIT_ASKPASS", raising=False)
    env = Git(tmp_path / "a").settings().env
    assert env["GIT_SSH_COMMAND"] == "ssh -o BatchMode=yes"
    assert env["GIT_TERMINAL_PROMPT"] == "0" and env["GIT_EDITOR"] == "true"
    assert env["GIT_ASKPASS"] == ""  # no password window
    monkeypatch.setenv("GIT_SSH_COMMAND", "ssh -i key")
    assert Git(tmp_path / "a").settings().env["GIT_SSH_COMMAND"] == "ssh -i key"
    monkeypatch.delenv("GIT_SSH_COMMAND")
    plain_git.write_text("[core]\n\tsshCommand = ssh -i other\n")
    assert "GIT_SSH_COMMAND" not in Git(tmp_path / "a").settings().env


# -- failures ----------------------------------------------------------------------------


def test_an_unreachable_remote_is_one_line(tmp_path: Path, remote: Path) -> None:
    with pytest.raises(SyncError) as error:
        GitFolder(tmp_path / "nowhere", str(tmp_path / "missing.git")).setup()
    message = one_line(error)
    assert message.startswith("cloning the remote failed") and "check the remote" in message
    assert not (tmp_path / "nowhere").exists()

    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    shutil.move(remote, tmp_path / "moved.git")
    with pytest.raises(SyncError) as error:
        laptop.pull()
    assert one_line(error).startswith("fetching from the remote failed")
    with pytest.raises(SyncError) as error:
        laptop.publish("laptop")
    one_line(error)
    shutil.move(tmp_path / "moved.git", remote)
    laptop.pull()
    assert laptop.publish("laptop") is True  # the failure left nothing in the way


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.1:1 is asked directly, where nothing listens."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.usefixtures("no_proxy")
def test_a_remote_over_the_network_that_refuses_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SyncError) as error:
        GitFolder(tmp_path / "x", "https://127.0.0.1:1/sync.git").setup()
    message = one_line(error)
    assert "127.0.0.1" in message and "check the network" in message


@pytest.mark.usefixtures("no_proxy")
def test_a_password_in_the_remote_is_not_shown(tmp_path: Path) -> None:
    with pytest.raises(SyncError) as error:
        GitFolder(tmp_path / "x", "https://me:s3cret@127.0.0.1:1/sync.git").setup()
    assert "s3cret" not in one_line(error)


def test_a_hanging_remote_times_out(
    tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ssh that never answers: the timeout must stop git and the "ssh" it started.
    monkeypatch.setenv("GIT_SSH_COMMAND", "sleep 30 #")
    folder = GitFolder(tmp_path / "x", "ssh://example.invalid/sync.git")
    folder.git.network_timeout = 0.5
    with pytest.raises(SyncError) as error:
        folder.setup()
    assert "took more than 0.5 s" in one_line(error)
    assert not folder.path.exists()


def test_missing_git_is_one_line(
    tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = device(tmp_path, remote, "laptop")
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for call in (
        GitFolder(laptop.path, None).pull,
        lambda: GitFolder(laptop.path, None).publish("x"),
        lambda: GitFolder(tmp_path / "new", str(remote)).setup(),
    ):
        with pytest.raises(SyncError) as error:
            call()
        assert one_line(error) == sync_git_run.NO_GIT
    assert GitFolder(laptop.path, None).ahead() == 0


def test_a_folder_that_is_not_set_up_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SyncError) as error:
        GitFolder(tmp_path / "none", None).pull()
    assert "sync init" in one_line(error)
    assert GitFolder(tmp_path / "none", None).ahead() == 0


def test_a_non_bare_remote_explains_itself(tmp_path: Path) -> None:
    working = tmp_path / "working"
    git(tmp_path, "init", "--quiet", "-b", "main", str(working))
    (working / "README").write_text("x")
    git(working, "add", "README")
    git(working, "commit", "--quiet", "-m", "x")
    laptop = device(tmp_path, working, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    with pytest.raises(SyncError) as error:
        laptop.publish("laptop")
    assert "bare repository" in one_line(error)


def test_explain_names_what_failed_and_what_to_do() -> None:
    full = "error: unable to write file x\nfatal: write error: No space left on device\n"
    assert sync_git_run.explain("committing", full) == (
        "committing failed: write error: No space left on device; "
        "free some disk space, then sync again"
    )
    auth = (
        "git@host: Permission denied (publickey).\nfatal: Could not read from remote repository.\n"
    )
    assert "without a password prompt" in sync_git_run.explain("fetching", auth)
    assert sync_git_run.explain("x", "") == "x failed: no reason given"


# -- what a crash leaves -----------------------------------------------------------------


def test_a_stale_index_lock_is_cleared(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    (laptop.git_dir / "index.lock").write_text("")
    ref_lock = laptop.git_dir / "refs" / "remotes" / "origin" / "main.lock"
    ref_lock.parent.mkdir(parents=True, exist_ok=True)
    ref_lock.write_text("")
    write(laptop, "L", "ops.jsonl", "1\n")
    laptop.pull()
    assert laptop.publish("laptop") is True
    assert not (laptop.git_dir / "index.lock").exists() and not ref_lock.exists()


@pytest.mark.skipif(not Path("/proc/self/cwd").exists(), reason="needs /proc")
def test_a_lock_held_by_a_running_git_is_left_alone(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    lock = laptop.git_dir / "index.lock"
    lock.write_text("")
    # A git process working in the clone: it answers one question, then waits for the next.
    busy = subprocess.Popen(
        ["git", "cat-file", "--batch-check"],
        cwd=laptop.path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert busy.stdin is not None and busy.stdout is not None
    busy.stdin.write("HEAD\n")
    busy.stdin.flush()
    assert busy.stdout.readline().strip() == "HEAD missing"  # it runs, in the clone
    try:
        assert sync_git_recover.git_running_in(laptop.path) is True
        with pytest.raises(SyncError) as error:
            laptop.pull()
        assert "another git command is working" in one_line(error)
        assert lock.exists()
    finally:
        busy.stdin.close()
        busy.wait(timeout=30)
    laptop.pull()
    assert not lock.exists()


def test_without_a_process_list_only_an_old_lock_is_stale(
    tmp_path: Path, remote: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_git_recover, "git_running_in", lambda path: None)
    laptop = device(tmp_path, remote, "laptop")
    lock = laptop.git_dir / "index.lock"
    lock.write_text("")
    with pytest.raises(SyncError):
        laptop.pull()
    old = lock.stat().st_mtime - sync_git_recover.STALE_AFTER - 1
    os.utime(lock, (old, old))
    laptop.pull()
    assert not lock.exists()


def test_an_interrupted_merge_is_undone_and_done_again(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    desktop = device(tmp_path, remote, "desktop")
    write(laptop, "L", "ops.jsonl", "l\n")
    laptop.publish("laptop")
    write(desktop, "D", "ops.jsonl", "d\n")
    git(desktop.path, "add", "-A", FOLDER)
    git(desktop.path, "commit", "--quiet", "-m", "desktop")
    git(desktop.path, "fetch", "--quiet", "origin")
    # What a merge killed before it committed leaves: MERGE_HEAD, a staged result, a lock.
    git(desktop.path, "merge", "--no-commit", "--allow-unrelated-histories", "origin/main")
    assert (desktop.git_dir / "MERGE_HEAD").exists()
    (desktop.git_dir / "index.lock").write_text("")
    desktop.pull()
    assert not (desktop.git_dir / "MERGE_HEAD").exists()
    assert desktop.publish("desktop") is True
    laptop.pull()
    assert files(laptop) == files(desktop) == {"L/ops.jsonl": "l\n", "D/ops.jsonl": "d\n"}


#: A sync that kills itself (kill -9) just after it started its Nth git command.
KILLED_SYNC = """
import os, signal, subprocess, sys
from pathlib import Path
from tui_microgoals.core import sync_git

started = 0
class Dying(subprocess.Popen):
    def __init__(self, *args, **kwargs):
        global started
        super().__init__(*args, **kwargs)
        started += 1
        if started == int(sys.argv[2]):
            print(self.pid, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
subprocess.Popen = Dying  # sync_git_run starts git with subprocess.Popen: each one is a Dying
folder = sync_git.GitFolder(Path(sys.argv[1]), None)
folder.pull()
folder.publish("desktop")
"""


def wait_gone(pid: int) -> None:
    """Waits (bounded) for a process that is not ours to end: the git left running."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as file:
                if file.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return
        except OSError:
            return
        time.sleep(0.01)
    raise AssertionError(f"git {pid} still runs")


# The git commands of a pull and a publish: 2 fetch, 4 merge, 5 add, 7 commit, 9 push.
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("nth", [2, 4, 5, 7, 9])
def test_a_sync_killed_mid_way_is_completed_by_the_next(
    tmp_path: Path, remote: Path, nth: int
) -> None:
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    laptop.publish("laptop 1")
    desktop = device(tmp_path, remote, "desktop")
    write(laptop, "L", "ops.jsonl", "2\n")
    laptop.publish("laptop 2")
    write(desktop, "D", "ops.jsonl", "d\n")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_SYNC, str(desktop.path), str(nth)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert killed.returncode == -9, killed.stderr
    wait_gone(int(killed.stdout))
    desktop.pull()
    desktop.publish("desktop, again")
    laptop.pull()
    expected = {"L/ops.jsonl": "1\n2\n", "D/ops.jsonl": "d\n"}
    assert files(laptop) == files(desktop) == expected
    assert laptop.ahead() == desktop.ahead() == 0


def test_a_checkout_cut_short_is_finished(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    laptop.publish("1")
    desktop = device(tmp_path, remote, "desktop")
    write(laptop, "L", "ops.jsonl", "2\n")
    write(laptop, "L", "more.jsonl", "m\n")
    laptop.publish("2")
    # What a git killed while checking out the laptop's changes leaves: a lock, a file cut
    # short, a new file created but not yet written; the index still names the old files.
    (desktop.path / FOLDER / "L" / "ops.jsonl").write_text("1\n2")
    (desktop.path / FOLDER / "L" / "more.jsonl").write_text("")
    (desktop.git_dir / "index.lock").write_text("")
    desktop.pull()
    assert files(desktop) == files(laptop) == {"L/ops.jsonl": "1\n2\n", "L/more.jsonl": "m\n"}
    assert desktop.publish("nothing new") is False


def test_a_commit_made_but_not_pushed_goes_out_next_time(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    write(laptop, "L", "ops.jsonl", "1\n")
    laptop.publish("first")
    write(laptop, "L", "ops.jsonl", "2\n")
    git(laptop.path, "add", "-A", FOLDER)
    git(laptop.path, "commit", "--quiet", "-m", "committed, then killed before the push")
    assert laptop.ahead() == 1
    laptop.pull()
    assert laptop.publish("nothing new") is True
    assert laptop.ahead() == 0
    assert git(remote, "log", "-1", "--format=%s", "main").strip() == (
        "committed, then killed before the push"
    )


def test_ahead_counts_the_commits_not_pushed(tmp_path: Path, remote: Path) -> None:
    laptop = device(tmp_path, remote, "laptop")
    assert laptop.ahead() == 0  # nothing committed yet
    for n in range(2):
        write(laptop, "L", "ops.jsonl", f"{n}\n")
        git(laptop.path, "add", "-A", FOLDER)
        git(laptop.path, "commit", "--quiet", "-m", str(n))
    assert laptop.ahead() == 2
    laptop.publish("out")
    assert laptop.ahead() == 0


def test_remote_addresses_are_kept_and_local_paths_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for address in (
        "git@github.com:me/sync.git",
        "me@host:sync.git",
        "ssh://me@host/srv/sync.git",
        "https://example.org/me/sync.git",
        "file:///srv/sync.git",
    ):
        assert sync_git._absolute_remote(address) == address
    assert sync_git._absolute_remote("sync.git") == str(tmp_path / "sync.git")
    assert sync_git._absolute_remote("-x") == str(tmp_path / "-x")  # never read as an option
    assert sync_git._same_remote("ssh://host/a.git/", "ssh://host/a.git")
    assert not sync_git._same_remote("host:a.git", "host:b.git")
