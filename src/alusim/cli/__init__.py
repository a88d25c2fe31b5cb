"""Command line: ``alusim run | compare | costcurve | data | scenario | runs | bench | sensitivity |
backtest | calibrate |
news | report | app | sweep | discover``.

Thin entry points: each command parses options, calls the domain code and prints. Every bad input
ends as one line on stderr naming the field and the fix, with exit code 2 and nothing written.
"""

from __future__ import annotations

import sys

from alusim.cli import process_exit  # the standard library only

# Importing the commands (typer, rich, pydantic's scenario models …: ~400 modules) makes many objects and
# no garbage; the cyclic collector's ~90 passes over them took ~40 ms of every start. Paused while they
# import, as it is during a run (process_exit.collector_paused), and restored after.
with process_exit.collector_paused():
    import typer

    from alusim.cli import (
        catalogue_cmd,  # noqa: F401 - registers scenario list | new | events
        common,
    )
    from alusim.cli.bench_cmd import bench
    from alusim.cli.costcurve_cmd import costcurve
    from alusim.cli.data_cmd import data_app
    from alusim.cli.history_cmd import backtest, calibrate
    from alusim.cli.news_cmd import news
    from alusim.cli.run_cmd import compare, run
    from alusim.cli.runs_cmd import runs_app
    from alusim.cli.scenario_cmd import scenario_app
    from alusim.cli.sensitivity_cmd import sensitivity
    from alusim.cli.sweep_cmd import discover, sweep
    from alusim.cli.workbench_cmd import app as app_command
    from alusim.cli.workbench_cmd import report
    from alusim.errors import InputError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="alusim — plant-level simulator of the primary-aluminium industry.")
app.command()(run)
app.command()(compare)
app.command()(costcurve)
app.command()(bench)
app.command()(sensitivity)
app.command()(backtest)
app.command()(calibrate)
app.command()(news)
app.command()(report)
app.command("app")(app_command)
app.command()(sweep)
app.command()(discover)
app.add_typer(data_app, name="data")
app.add_typer(scenario_app, name="scenario")
app.add_typer(runs_app, name="runs")


def main(argv: list[str] | None = None) -> int:
    """Console entry point; returns the exit code (0 ok, 2 bad input). Without ``argv`` it is the
    program (the ``alusim`` script, ``python -m alusim``: the arguments are ``sys.argv``) and ends the
    process itself, quickly after a run (:func:`alusim.cli.process_exit.end_process`)."""
    common.single_threaded_blas()      # before the first import of numpy (quiet_numerics)
    code = _main(argv)
    if argv is None:
        process_exit.end_process(code)
    return code


def _main(argv: list[str] | None) -> int:
    try:
        with common.quiet_numerics():
            result = app(args=argv if argv is not None else sys.argv[1:], standalone_mode=False)
    except InputError as exc:
        common.fail(str(exc))
        return 2
    except OSError as exc:
        # an output, store or cache location that cannot be written (read-only, full, /proc …)
        common.fail(common.os_error_line(exc))
        return 2
    except typer.Exit as exc:
        return int(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        common.fail("aborted")
        return 130
    except Exception as exc:
        # usage errors of typer's vendored click (bad option, missing argument, value out of range)
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            common.fail(exc.format_message().replace("\n", " "))
            return 2
        raise
    return int(result) if isinstance(result, int) else 0


__all__ = ["app", "main"]
