"""`make mutate`: mutation testing of the modules that carry strata's promises.

Each module is mutated by cosmic-ray, one small bug at a time, and only its
own tests run against each mutant, so a module fits in minutes on two cores.
A mutant the tests do not notice is a promise nobody can break. The report
(score per module, the surviving mutants with their diffs) goes to
.mutation/report.md; docs/mutation.md keeps the last scores and the
equivalent mutants, which change nothing a user can observe.

    uv run --group mutation python mutation/run.py              # every module
    uv run --group mutation python mutation/run.py guard copy   # some of them
"""

import argparse
import json
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".mutation"
STRATA = "packages/strata/src/strata"
TESTS = "packages/strata/tests"
BIN = Path(sys.executable).parent  # cosmic-ray's commands live beside the interpreter running this

# Tests run in the order given and stop at the first failure: fast ones first.
# Realistic slips, not every operator swap: a flipped comparison or boolean, an off-by-one,
# a dropped `not`, a loop that never runs, a swallowed exception.
EXCLUDED_OPERATORS = [
    r"core/ReplaceBinaryOperator_(?!Add_Sub$|Sub_Add$|Mul_Div$|Div_Mul$|BitOr_BitAnd$|BitAnd_BitOr$)",
    r"core/ReplaceComparisonOperator_(?!Eq_NotEq$|NotEq_Eq$|Lt_LtE$|LtE_Lt$|Gt_GtE$|GtE_Gt$|Is_IsNot$|IsNot_Is$)",
    r"core/ReplaceUnaryOperator_(?!Delete_Not$)",
    r"core/VariableReplacer",
    r"core/VariableInserter",
    r"core/RemoveDecorator",
]


@dataclass(frozen=True)
class Target:
    name: str
    modules: tuple[str, ...]
    tests: tuple[str, ...]


TARGETS = [
    Target("guard", (f"{STRATA}/cli/guard.py",), (f"{TESTS}/test_consent.py", f"{TESTS}/test_guard.py")),
    Target(
        "urls-diagnose",
        (f"{STRATA}/connection/urls.py", f"{STRATA}/connection/diagnose.py"),
        (
            f"{TESTS}/test_masking.py",
            f"{TESTS}/test_urls_and_settings.py",
            f"{TESTS}/test_diagnose.py",
            f"{TESTS}/test_secrets.py::test_errors_that_carry_the_url_mask_it_in_the_message_and_the_debug_log",
            f"{TESTS}/test_secrets.py::test_debug_logs_of_a_migration_show_the_url_only_masked",
            f"{TESTS}/test_bad_database_url.py",
            f"{TESTS}/test_secrets.py::test_check_json_on_a_password_server_never_shows_the_password",
            f"{TESTS}/test_secrets.py::test_status_and_up_mask_the_password",
        ),
    ),
    Target(
        "checks-integrity",
        (f"{STRATA}/checks/integrity.py",),
        (
            f"{TESTS}/test_integrity_sums.py",
            f"{TESTS}/test_check_cli.py::test_update_sums_records_and_reports_changes",
            f"{TESTS}/test_check.py",
        ),
    ),
    Target(
        "checks",
        tuple(
            f"{STRATA}/checks/{name}.py" for name in ("cascades", "indexes", "models", "history", "explain", "runner")
        ),
        (
            f"{TESTS}/test_check.py::test_the_intact_app_passes_every_check",
            f"{TESTS}/test_check_findings.py",
            f"{TESTS}/test_check.py::test_a_vector_column_without_an_ann_index_warns_and_fails_nothing",
            f"{TESTS}/test_check.py::test_a_set_null_foreign_key_that_nulls_passes",
            f"{TESTS}/test_check.py::test_each_fault_fails_exactly_its_check",
            f"{TESTS}/test_check_identifiers.py",
            f"{TESTS}/test_check_cli.py::test_check_json_passes_for_every_app_and_validates_against_its_schema",
            f"{TESTS}/test_check_cli.py::test_a_non_empty_database_url_is_refused_and_left_alone",
            f"{TESTS}/test_check_cli.py::test_an_empty_database_url_is_checked_and_left_empty",
        ),
    ),
    Target(
        "migrations",
        (f"{STRATA}/migrations/runner.py", f"{STRATA}/migrations/lock.py", f"{STRATA}/migrations/autogen.py"),
        (
            f"{TESTS}/test_migration_lock_wait.py",
            f"{TESTS}/test_migration_runner.py::test_migrations_run_with_lock_and_statement_timeouts",
            f"{TESTS}/test_migration_reports.py",
            f"{TESTS}/test_generated_sql.py",
            f"{TESTS}/test_migration_runner_options.py",
            f"{TESTS}/test_migration_runner.py::test_a_lock_timeout_that_would_wait_forever_or_is_no_number_is_refused",
            f"{TESTS}/test_migration_runner.py::test_a_failing_revision_is_named_and_rolled_back",
            f"{TESTS}/test_migration_runner.py::test_a_lock_timeout_under_a_millisecond_still_gives_up",
            f"{TESTS}/test_autogenerate.py",
            f"{TESTS}/test_secrets.py::test_errors_that_carry_the_url_mask_it_in_the_message_and_the_debug_log",
            f"{TESTS}/test_secrets.py::test_debug_logs_of_a_migration_show_the_url_only_masked",
            f"{TESTS}/test_online_revisions.py",  # the runner's retries on lock_timeout
            f"{TESTS}/test_migration_runner.py::test_a_waiting_migration_says_so_and_gives_up_with_a_clear_message",
            f"{TESTS}/test_migration_runner.py::test_lock_timeout_flags_give_up_with_a_clear_message",
            f"{TESTS}/test_migration_runner.py::test_alembic_refuses_a_lock_timeout_of_zero_in_one_line_and_exit_1",
            f"{TESTS}/test_faults.py::test_a_migration_killed_halfway_leaves_the_previous_revision_and_a_rerun_completes",
            # One app is enough to prove the lock serialises replicas; the other three repeat it.
            f"{TESTS}/test_faults.py::test_ten_replicas_upgrading_at_once_all_succeed_and_each_revision_runs_once[narraforge]",
        ),
    ),
    Target(
        "migrations-online",
        (f"{STRATA}/migrations/online.py",),
        (
            f"{TESTS}/test_online_helpers_edges.py",
            f"{TESTS}/test_online_revisions.py",
            f"{TESTS}/test_online_lint_and_plan.py::test_the_same_change_written_with_the_helpers_is_clean",
            f"{TESTS}/test_online_lint_and_plan.py::test_plan_names_the_lock_each_online_statement_really_takes",
        ),
    ),
    Target(
        "templates",
        (f"{STRATA}/testing/templates.py",),
        (f"{TESTS}/test_template_keying.py", f"{TESTS}/test_cloner.py", f"{TESTS}/test_testing_plugin.py"),
    ),
    Target("copy", (f"{STRATA}/connection/copy.py",), (f"{TESTS}/test_copy.py",)),
    Target(
        "api-keys",
        ("apps/codestory/src/codestory/api_keys.py",),
        (
            "apps/codestory/tests/integration/test_api_key_input.py",
            "apps/codestory/tests/integration/test_lifecycle_and_rules.py",
        ),
    ),
]


def _test_command(target: Target) -> str:
    basetemp = OUT / "tmp" / target.name
    basetemp.parent.mkdir(parents=True, exist_ok=True)
    return f"{sys.executable} -m pytest -x -q -n 0 -p no:cacheprovider --basetemp={basetemp} {' '.join(target.tests)}"


def _config(target: Target) -> Path:
    """A cosmic-ray config for one target: its modules, its tests, nothing else."""
    command = _test_command(target)
    path = OUT / f"{target.name}.toml"
    excluded = ", ".join(json.dumps(pattern) for pattern in EXCLUDED_OPERATORS)
    path.write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(list(target.modules))}\n"
        "timeout = 600.0\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n\n"
        '[cosmic-ray.distributor]\nname = "local"\n\n'
        f"[cosmic-ray.filters.operators-filter]\nexclude-operators = [{excluded}]\n"
    )
    return path


def _run(target: Target, resume: bool) -> list[list[dict[str, Any]]]:
    """Mutate and test one target; return cosmic-ray's record of every mutant.

    With `resume`, a session left by a stopped run keeps its results and only the
    mutants it did not reach are run.
    """
    config = _config(target)
    edited = subprocess.run(
        ["git", "diff", "--name-only", "--", *target.modules], cwd=ROOT, capture_output=True, text=True
    )
    if edited.stdout.strip():  # an interrupted run leaves its last mutant on disk
        sys.exit(f"mutate: uncommitted changes in {edited.stdout.split()}; commit them or `git checkout` them first")
    baseline = subprocess.run(_test_command(target).split(), cwd=ROOT, check=False, capture_output=True, text=True)
    if baseline.returncode != 0:  # a mutant is only "killed" if the unmutated code passes
        sys.exit(f"mutate: {target.name}'s tests fail without any mutant; fix them first:\n{baseline.stdout[-3000:]}")
    session = _session(target)
    if not (resume and session.is_file()):
        session.unlink(missing_ok=True)
        subprocess.run([BIN / "cosmic-ray", "init", str(config), str(session)], cwd=ROOT, check=True)
        subprocess.run([BIN / "cr-filter-operators", str(session), str(config)], cwd=ROOT, check=True)
    subprocess.run([BIN / "cosmic-ray", "exec", str(config), str(session)], cwd=ROOT, check=True)
    return _recorded(target)


def _session(target: Target) -> Path:
    return OUT / f"{target.name}.sqlite"


def _recorded(target: Target) -> list[list[dict[str, Any]]]:
    """cosmic-ray's record of every mutant of the target's last run."""
    session = _session(target)
    dump = subprocess.run(
        [BIN / "cosmic-ray", "dump", str(session)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [json.loads(line) for line in dump.stdout.splitlines() if line.strip()]


def _equivalents() -> dict[tuple[str, str], str]:
    """Mutants that change no observable behaviour: (module, mutated line) → why."""
    listed = tomllib.loads((ROOT / "mutation" / "equivalent.toml").read_text())
    return {(entry["module"], entry["line"].strip()): entry["reason"] for entry in listed.get("mutant", [])}


def _mutated_line(diff: str) -> str:
    added = [line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    return added[0] if added else ""


def _summarise(target: Target, records: list[list[dict[str, Any]]], equivalent: dict[tuple[str, str], str]) -> str:
    """The target's score and every mutant it let through."""
    outcomes = {"killed": 0, "filtered": 0, "incompetent": 0, "not run": 0}
    survivors: list[tuple[str, str, str]] = []
    excused: list[tuple[str, str, str]] = []
    for item, result in records:
        if result is None:  # the run was stopped before this mutant
            outcomes["not run"] += 1
        elif result["worker_outcome"] == "skipped":
            outcomes["filtered"] += 1
        elif result["test_outcome"] in {"killed", "incompetent"}:
            outcomes[result["test_outcome"]] += 1
        else:
            module = item["mutations"][0]["module_path"]
            line = _mutated_line(result["diff"] or "")
            reason = equivalent.get((module, line))
            (excused if reason else survivors).append((module, line, reason or result["diff"] or ""))
    counted = outcomes["killed"] + len(survivors)
    score = 100.0 * outcomes["killed"] / counted if counted else 100.0
    lines = [
        f"## {target.name}: {score:.1f}% killed ({outcomes['killed']} of {counted}; {len(excused)} equivalent, "
        f"{outcomes['incompetent']} incompetent, {outcomes['filtered']} filtered out, {outcomes['not run']} not run)\n"
    ]
    lines += [f"- equivalent: `{module}`: `{line}`: {reason}" for module, line, reason in excused]
    lines += [
        f"- **survived** `{module}`: `{line}`\n\n```diff\n{diff.strip()}\n```" for module, line, diff in survivors
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="Mutation testing of strata's promises (cosmic-ray).")
    parser.add_argument("only", nargs="*", help=f"targets to run (default: all): {', '.join(t.name for t in TARGETS)}")
    parser.add_argument(
        "--report-only", action="store_true", help="rebuild the report from the last run's sessions, running nothing"
    )
    parser.add_argument(
        "--resume", action="store_true", help="continue each target's stopped run instead of starting it afresh"
    )
    args = parser.parse_args()
    chosen = args.only
    unknown = set(chosen) - {t.name for t in TARGETS}
    if unknown:
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")
    OUT.mkdir(exist_ok=True)
    equivalent = _equivalents()
    report = OUT / "report.md"
    sections = []
    for target in TARGETS:
        if (chosen and target.name not in chosen) or (args.report_only and not _session(target).is_file()):
            continue
        if not args.report_only:
            print(f"mutate: {target.name}", flush=True)
        records = _recorded(target) if args.report_only else _run(target, args.resume)
        sections.append(_summarise(target, records, equivalent))
        report.write_text("# Mutation testing report\n\n" + "\n".join(sections))
        print(sections[-1].splitlines()[0], flush=True)
    print(f"report: {report.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
