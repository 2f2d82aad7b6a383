"""corpuskit.forkpool: the worker processes validate hands its blocks to.

Tasks are module-level functions (sent by reference). A pool that deadlocks or waits for a
dead worker would hang the test run: each test runs under an alarm that fails it instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from reliability_support import process_runs

from corpuskit.errors import CorpuskitError, WorkerDied
from corpuskit.forkpool import ForkPool, RemoteTraceback, fork_available

pytestmark = pytest.mark.skipif(not fork_available(), reason="fork is not available here")

_STARTED = ""


def _mark_started() -> None:
    global _STARTED
    _STARTED = f"started in {os.getpid()}"


def started() -> str:
    return _STARTED


def square(x: int) -> int:
    return x * x


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def fail(message: str) -> None:
    raise ValueError(message)


def die(_: object = None) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def echo(data: bytes) -> bytes:
    return data[::-1]


def unpicklable() -> object:
    return lambda: None


class Hung(Exception):
    """Raised by the alarm: not an OSError, which the pool takes for a dead worker."""


def _timeout(signum: int, frame: FrameType | None) -> None:
    raise Hung("the pool did not answer in time")


@pytest.fixture(autouse=True)
def alarm() -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_imap_gives_every_result_in_order() -> None:
    with ForkPool(3) as pool:
        assert list(pool.imap(square, range(500))) == [x * x for x in range(500)]


def test_results_come_from_the_workers_and_can_be_taken_out_of_order() -> None:
    with ForkPool(2) as pool:
        slow = pool.apply_async(pid_after, (0.3,))
        quick = pool.apply_async(pid_after, (0.0,))
        assert quick.get() != slow.get()  # two tasks, two workers
        assert {quick.get(), slow.get()}.isdisjoint({os.getpid()})


def test_tasks_go_to_the_worker_with_the_least_weight_waiting() -> None:
    """A task is handed out when it is given: one that weighs much keeps the next ones
    off its worker until the other has as much waiting (counted alone, every second one
    went behind it), and tasks given no weight are counted."""
    with ForkPool(2) as pool:
        heavy = pool.apply_async(pid_after, (0.2,), weight=100)
        light = [pool.apply_async(pid_after, (0.0,), weight=10) for _ in range(9)]
        beside = pool.apply_async(pid_after, (0.0,), weight=15)  # 90 against 100
        behind = pool.apply_async(pid_after, (0.0,))  # 105 against 100
        assert {task.get() for task in [*light, beside]} == {light[0].get()}
        assert behind.get() == heavy.get() != light[0].get()
        counted = [pool.apply_async(pid_after, (0.0,)) for _ in range(4)]
        assert len({task.get() for task in counted}) == 2


def test_ready_turns_true_without_get() -> None:
    with ForkPool(2) as pool:
        pending = pool.apply_async(square, (7,))
        deadline = time.monotonic() + 30
        while not pending.ready():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert pending.get() == 49


def test_each_worker_runs_the_initializer_first() -> None:
    with ForkPool(2, initializer=_mark_started) as pool:
        found = {pool.apply_async(started).get() for _ in range(6)}
    assert _STARTED == ""  # not in this process
    assert all(text.startswith("started in ") for text in found)


def test_a_task_s_exception_is_raised_again_with_the_worker_s_traceback() -> None:
    with ForkPool(2) as pool:
        with pytest.raises(ValueError, match="bad input") as caught:
            pool.apply_async(fail, ("bad input",)).get()
        cause = caught.value.__cause__
        assert isinstance(cause, RemoteTraceback)
        assert "in fail" in str(cause) and "ValueError: bad input" in str(cause)
        assert pool.apply_async(square, (3,)).get() == 9  # the pool goes on


def test_a_result_that_cannot_be_sent_is_an_error_not_a_hang() -> None:
    with ForkPool(1) as pool:
        with pytest.raises(RuntimeError, match="unpicklable: cannot send its outcome"):
            pool.apply_async(unpicklable).get()
        assert pool.apply_async(square, (4,)).get() == 16


def test_a_killed_worker_is_reported_not_waited_for() -> None:
    pool = ForkPool(2)
    try:
        before = pool.apply_async(square, (2,))
        dead = pool.apply_async(die)
        with pytest.raises(WorkerDied, match="killed by signal 9") as caught:
            dead.get()
        assert isinstance(caught.value, CorpuskitError)  # the CLI maps it to exit 1
        assert before.get() == 4
    finally:
        pool.terminate()


def test_a_slower_workers_outcome_is_taken_after_another_died() -> None:
    """A worker's outcome that came in after another worker's death was read as a second
    death (the dead worker's task was still waiting, its pipe read again): the death
    settles the dead worker's tasks, each raising it, and the others' outcomes come in."""
    pool = ForkPool(2)
    try:
        slower = pool.apply_async(pid_after, (0.3,), weight=5)
        dead = pool.apply_async(die)
        after_it = pool.apply_async(square, (3,))  # the least loaded: the dead worker's
        with pytest.raises(WorkerDied, match="killed by signal 9"):
            dead.get()
        assert slower.get() in {worker.process.pid for worker in pool._workers}
        with pytest.raises(WorkerDied, match="killed by signal 9"):
            after_it.get()
    finally:
        pool.terminate()


def test_close_after_a_worker_died_ends_the_others() -> None:
    pool = ForkPool(2)
    pids = [worker.process.pid for worker in pool._workers]
    pool.apply_async(die)
    pool.apply_async(pid_after, (0.1,))
    pool.close()  # takes in what is left, finds the dead worker, stops the other
    assert not any(map(process_runs, pids))  # ended and reaped


def test_terminate_closes_the_pipes_only_once_nothing_can_write_to_them() -> None:
    """terminate waits for the sending thread: one still sending while the pipes were
    closed wrote a stop signal under a descriptor number the next pool had been given (its
    worker then ended at once, "exit status 0", or the parent read None as an outcome)."""
    pool = ForkPool(2)
    pool.apply_async(die)
    for _ in range(20000):  # queued for the sender, to workers about to be killed
        pool.apply_async(echo, (b"x" * 1000,))
    pool.terminate()
    assert not pool._sender.is_alive()
    # A pool made next gets every result right.
    after = ForkPool(2)
    try:
        assert list(after.imap(square, range(200))) == [x * x for x in range(200)]
    finally:
        after.close()


def test_terminate_leaves_the_task_pipes_open_to_a_sender_still_sending(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A sender that outlives the bounded wait (a pipe kept full by a process forked
    elsewhere) may still write: its pipes stay open, never closed and reused under it."""
    import threading

    from corpuskit import forkpool

    monkeypatch.setattr(forkpool, "SENDER_GRACE_SECONDS", 0.05)
    pool = ForkPool(2)
    pool._outbox.put(None)  # the real sender ends; in its place, one still busy
    pool._sender.join()
    busy = threading.Thread(target=time.sleep, args=(1,), daemon=True)
    busy.start()
    pool._sender = busy
    tasks = [worker.tasks for worker in pool._workers]
    results = [worker.results for worker in pool._workers]
    pool.terminate()
    assert not any(task.closed for task in tasks)
    assert all(result.closed for result in results)
    for task in tasks:
        task.close()


def test_large_tasks_and_results_do_not_deadlock() -> None:
    # Tasks and results far beyond a pipe's buffer, many in flight both ways.
    blocks = [bytes([n]) * (4 << 20) + bytes(range(256)) for n in range(12)]
    with ForkPool(2) as pool:
        pending = [pool.apply_async(echo, (block,)) for block in blocks]
        assert [p.get() for p in reversed(pending)] == [b[::-1] for b in reversed(blocks)]


def test_close_takes_in_the_results_nobody_asked_for() -> None:
    pool = ForkPool(2)
    pids = [worker.process.pid for worker in pool._workers]
    for block in range(6):
        pool.apply_async(echo, (bytes([block]) * (1 << 20),))  # results fill the pipes
    pool.close()
    assert not any(map(process_runs, pids))


def _workers_of_a_killed_parent(script: str) -> list[int]:
    """Run ``script`` (it prints its workers' process ids, then kills itself with SIGKILL);
    the ids it printed. Its end is waited for: a worker holding its output open past it
    fails the call by its time limit."""
    here = os.path.dirname(__file__)
    run = subprocess.run([sys.executable, "-c", script, here], capture_output=True,
                         text=True, timeout=50)
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert "Traceback" not in run.stderr  # a busy worker's result: nobody to send it to
    return [int(pid) for pid in run.stdout.split()]


def test_workers_exit_when_the_parent_is_killed(tmp_path: os.PathLike[str]) -> None:
    """A parent killed outright (SIGKILL, the OOM killer) cannot stop its workers: they
    must see it go (the end of their task pipes) and exit, not wait forever."""
    script = textwrap.dedent("""
        import os, signal, sys, time
        sys.path[:0] = sys.argv[1:2]
        from corpuskit.forkpool import ForkPool
        import test_forkpool
        pool = ForkPool(2)
        pool.apply_async(test_forkpool.pid_after, (0.0,)).get()
        print(" ".join(str(w.process.pid) for w in pool._workers), flush=True)
        pool.apply_async(test_forkpool.pid_after, (1.0,))  # one busy, one idle
        time.sleep(0.2)  # the task is sent
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    pids = _workers_of_a_killed_parent(script)
    assert len(pids) == 2
    deadline = time.monotonic() + 30
    while any(process_runs(pid) for pid in pids):
        assert time.monotonic() < deadline, "a worker outlived its parent"
        time.sleep(0.05)


def test_a_stuck_worker_ends_with_its_parent(tmp_path: os.PathLike[str]) -> None:
    """A worker that never reads its task pipe again (stuck on a lock: QA, two validations
    in threads of one program) did not see a parent killed with SIGKILL go, and stayed an
    orphan, holding the terminal's output open. On Linux it ends with its parent."""
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    script = textwrap.dedent("""
        import os, signal, sys, time
        sys.path[:0] = sys.argv[1:2]
        from corpuskit.forkpool import ForkPool
        pool = ForkPool(1)
        print(pool._workers[0].process.pid, flush=True)
        pool.apply_async(time.sleep, (3600,))  # stuck: never back to its pipe
        time.sleep(0.3)  # the task is sent
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    (pid,) = _workers_of_a_killed_parent(script)
    deadline = time.monotonic() + 10
    while process_runs(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            pytest.fail("a stuck worker outlived its parent")
        time.sleep(0.05)


def test_an_outcome_cut_off_midway_is_a_dead_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies while it sends (Ctrl-C, a kill) leaves half a message: that is
    WorkerDied too, which close() handles, not an OSError escaping the cleanup (it would
    take the place of the KeyboardInterrupt being raised)."""
    pool = ForkPool(1)
    try:
        pending = pool.apply_async(pid_after, (0.0,))
        worker = pool._workers[0]

        def cut_off() -> object:
            raise OSError("got end of file during message")

        monkeypatch.setattr(worker.results, "recv", cut_off)
        with pytest.raises(WorkerDied):
            pending.get()
    finally:
        pool.terminate()


def test_ctrl_c_stops_the_parent_and_its_workers_quietly() -> None:
    """The terminal sends SIGINT to the whole process group: the parent gets its
    KeyboardInterrupt, the workers end without a word."""
    script = textwrap.dedent("""
        import os, signal, sys
        sys.path[:0] = sys.argv[1:2]
        from corpuskit.forkpool import ForkPool
        import test_forkpool
        pool = ForkPool(2)
        print(" ".join(str(w.process.pid) for w in pool._workers), flush=True)
        try:
            with pool:
                pending = pool.apply_async(test_forkpool.pid_after, (20.0,))
                pool.apply_async(test_forkpool.pid_after, (0.0,)).get()
                os.killpg(0, signal.SIGINT)
                pending.get()
        except KeyboardInterrupt:
            print("interrupted", flush=True)
    """)
    here = os.path.dirname(__file__)
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", script, here], capture_output=True,
                         text=True, timeout=50, start_new_session=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert run.returncode == 0, run.stderr
    pids, said = run.stdout.splitlines()
    assert said == "interrupted"
    assert run.stderr == ""
    assert time.monotonic() - started < 15  # not after the 20 s task
    assert not any(process_runs(int(pid)) for pid in pids.split())


@pytest.mark.parametrize("way", ["noted-while-waiting", "caught-as-an-error"])
def test_a_worker_ends_on_ctrl_c_that_its_main_thread_misses(way: str) -> None:
    """end_on_interrupt: Ctrl-C ends a worker even when its main thread does not act on
    it. ``noted-while-waiting``: the signal lands while the main thread waits in a
    ``read`` (here it lands in another thread of the process, which leaves the main thread
    waiting as a signal just before its wait does): the worker's thread sends SIGINT to
    the main thread, whose handler then runs. ``caught-as-an-error``: the handler runs but
    the code around catches its SystemExit (as a pool does a task's error, when Ctrl-C
    comes as a worker sends back a result): the worker is ended a second later."""
    script = textwrap.dedent("""
        import os, signal, sys, threading, time
        from corpuskit.forkpool import end_on_interrupt, threads_without_interrupt
        end_on_interrupt()
        way = sys.argv[1]
        if way == "noted-while-waiting":
            other = threading.Thread(target=time.sleep, args=(60,), daemon=True)
            other.start()  # SIGINT not blocked: it can take the signal
            def send():
                time.sleep(0.3)
                signal.pthread_kill(other.ident, signal.SIGINT)
            with threads_without_interrupt():
                threading.Thread(target=send, daemon=True).start()
            reader, _ = os.pipe()
            os.read(reader, 1)  # nothing ever comes
        else:
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)
            except BaseException as swallowed:
                print("caught", type(swallowed).__name__, flush=True)
            time.sleep(60)
        print("still here", flush=True)
    """)
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", script, way], capture_output=True,
                         text=True, timeout=30)
    took = time.monotonic() - started
    assert run.returncode == 128 + signal.SIGINT, (run.returncode, run.stdout, run.stderr)
    assert "still here" not in run.stdout and run.stderr == ""
    if way == "caught-as-an-error":
        assert run.stdout == "caught SystemExit\n"
    assert took < 10


def test_an_interrupted_worker_writes_nothing_more_to_standard_error() -> None:
    """A worker whose Ctrl-C was handled says nothing more on its way out: a pool's worker
    goes on to its next message until it ends, and one printed an ``EOFError`` traceback
    after "corpuskit: aborted" (it read what another worker, ended halfway through
    reading it, had left of a message)."""
    import subprocess
    import sys

    script = (
        "import signal, sys\n"
        "from corpuskit import forkpool\n"
        "sys.stderr.write('before\\n'); sys.stderr.flush()\n"
        "try:\n"
        "    forkpool.quit_on_interrupt(signal.SIGINT, None)\n"
        "except SystemExit as ended:\n"
        "    code = ended.code\n"
        "sys.stderr.write('Traceback (most recent call last): EOFError\\n')\n"
        "sys.stderr.flush()\n"
        "print(code)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "130"
    assert done.stderr == "before\n"


@pytest.mark.parametrize("processes", [1, 2])
def test_a_worker_s_death_advises_fewer_jobs_only_where_there_were_more(
        processes: int) -> None:
    """(QA s78) A pool of one worker was told to run with fewer --jobs: it cannot."""
    pool = ForkPool(processes)
    try:
        with pytest.raises(WorkerDied) as caught:
            pool.apply_async(die).get()
    finally:
        pool.terminate()
    assert ("fewer --jobs" in str(caught.value)) == (processes > 1), caught.value


_IN_A_POOL = textwrap.dedent("""
    import json, multiprocessing, sys
    import corpuskit

    def work(step):
        seeds, built, out = sys.argv[1:4]
        if step == "validate":
            return [(corpuskit.validate(path, jobs=2, reproduce=True).valid)
                    for path in (built, built + ".zip")]
        if step == "seeds":
            return corpuskit.validate(seeds, jobs=2).valid
        if step == "load":
            return [record.id for record in corpuskit.load(built + ".zip")]
        return str(corpuskit.build(seeds, out, jobs=2).archive)

    if __name__ == "__main__":
        with multiprocessing.get_context(sys.argv[4]).Pool(1) as pool:
            print(json.dumps(pool.map(work, ["validate", "seeds", "load", "build"])))
""")


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_pools_worker_validates_loads_and_builds_in_its_own_process(
        tmp_path: Path, start: str) -> None:
    """multiprocessing refuses children to a daemonic process (a Pool's worker), and
    validate() of a valid package with Parquet there reported an internal error ("daemonic
    processes are not allowed to have children"), load() refused it (QA): there, every
    command works in the one process, whatever ``jobs`` asks, with the same results."""
    import json

    from reliability_support import write_seeds

    import corpuskit

    seeds = write_seeds(tmp_path / "seeds", {f"doc{n}.txt": f"Title {n}\n\nText {n}.\n"
                                             for n in range(5)}, {"output": {"parquet": True}})
    built = corpuskit.build(seeds, tmp_path / "dist", jobs=1)
    assert (built.release / "data" / "documents.parquet").is_file()
    script = tmp_path / "in_a_pool.py"  # a file: a spawned worker imports its functions
    script.write_text(_IN_A_POOL, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(seeds), str(built.release),
                           str(tmp_path / "again"), start],
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    validated, seeds_valid, ids, archive = json.loads(done.stdout)
    assert validated == [True, True] and seeds_valid is True
    assert ids == [f"doc{n}" for n in range(5)]
    assert Path(archive).read_bytes() == built.archive.read_bytes()
