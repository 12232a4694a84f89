"""The report's text: the run's set-up, a table per scenario, CPU per response, the targets
met or missed, and with --profile where the workers' time went."""

from __future__ import annotations

from typing import Any

from .scenarios import TARGETS


def targets(report: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """Return (target, measured, goal, met) for each target the scenarios run can judge."""
    by_name = {s["scenario"]: s for s in report["scenarios"]}
    database = report.get("server", {}).get("database", "SQLite").split()[0]
    target_rps, target_p99 = TARGETS.get(database, TARGETS["SQLite"])
    rows = []
    if "check32" in by_name:
        rps = by_name["check32"]["requests_per_second"]
        goal = f"≥ {target_rps:.0f} req/s"
        rows.append(("comment-check, 32 clients", f"{rps:.0f} req/s", goal, rps >= target_rps))
    if "check4" in by_name:
        p99 = by_name["check4"]["latency"].get("check", {}).get("p99_ms", float("inf"))
        goal = f"< {target_p99:.0f} ms"
        rows.append(("comment-check p99, 4 clients", f"{p99:.1f} ms", goal, p99 < target_p99))
    errors = sum(s["request_errors"] + s["errors"]["database_locked"] for s in by_name.values())
    rows.append(("errors (all scenarios)", str(errors), "0", errors == 0))
    bad = sum(s["lost"] + s["duplicated"] for s in by_name.values())
    rows.append(("lost + duplicated comments", str(bad), "0", bad == 0))
    return rows


def format_report(report: dict[str, Any]) -> str:
    """Return the report as text: what ran where, then the figures."""
    m, server = report["machine"], report["server"]
    load = ", ".join(f"{x:.2f}" for x in m["load_average"])
    lines = [
        f"{report['date']}; {m['cores']} cores ({m['cpu']}); load average before: {load}",
        f"Database {server['database']}; gunicorn {server['workers']} {server['worker_class']} "
        f"workers x {server['threads']} threads ({server['gunicorn_config']} config); "
        f"CONN_MAX_AGE {server['conn_max_age']}; "
        f"cache {server['cache']}" + ("; SQLite WAL + IMMEDIATE" if server["sqlite_wal"] else ""),
        f"Load generator: {report['generator']} (on the same cores); comment texts from "
        f"{', '.join(report['texts_from'])}",
        f"Disk: an SQLite commit takes {m['sqlite_commit_ms']['journal']:.2f} ms with the "
        f"default rollback journal, {m['sqlite_commit_ms']['wal']:.3f} ms in WAL "
        "(synchronous=NORMAL)",
        "",
        f"{'scenario':44}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'errors':>8}"
        f"{'accepted':>10}{'stored':>8}{'lost':>6}{'dup':>5}{'unacked':>9}",
    ]
    for s in report["scenarios"]:
        for kind, lat in s["latency"].items():
            first = kind == next(iter(s["latency"]))
            label = f"{s['label']} [{kind}]" if len(s["latency"]) > 1 else s["label"]
            lines.append(
                f"{label:44}"
                + (f"{s['requests_per_second']:>8.0f}" if first else f"{'':>8}")
                + f"{lat.get('p50_ms', float('nan')):>8.1f}{lat.get('p99_ms', float('nan')):>8.1f}"
                + (
                    f"{s['request_errors']:>8}{s['accepted']:>10}{s['stored']:>8}{s['lost']:>6}"
                    f"{s['duplicated']:>5}{s['stored_unacknowledged']:>9}"
                    if first
                    else ""
                )
            )
    lines += ["", "Per scenario: statuses, errors, CPU per response (ms of one core)"]
    for s in report["scenarios"]:
        e, cpu = s["errors"], s["cpu"]
        statuses = ", ".join(f"{k}: {v}" for k, v in s["statuses"].items())
        lines.append(f"  {s['scenario']}: {statuses}; comments {s['comments_per_second']:.0f}/s")
        usage = f"; usage counted {s['api_calls_counted']}" if s["api_calls_counted"] else ""
        lines.append("    errors: " + ", ".join(f"{k} {v}" for k, v in e.items()) + usage)
        lines.append(
            f"    CPU: server {cpu['server_ms_per_response']:.2f}, load generator "
            f"{cpu['generator_ms_per_response']:.2f}, other (database, kernel, other work) "
            f"{cpu['other_ms_per_response']:.2f}; machine {cpu['machine_busy']:.0%} busy"
        )
    lines += ["", f"{'target':34}{'measured':>14}{'goal':>14}{'met':>6}"]
    for name, measured, goal, met in targets(report):
        lines.append(f"{name:34}{measured:>14}{goal:>14}{'yes' if met else 'NO':>6}")
    profile = report.get("profile")
    if profile and "breakdown" in profile:
        lines += [
            "",
            f"Profile: CPU time in the workers, {profile['requests']:,} requests (cProfile slows "
            "Python code: compare shares, not absolute times)",
            f"{'inside':52}{'ms/request':>11}{'calls/req':>11}",
        ]
        for row in profile["breakdown"]:
            lines.append(
                f"{row['what']:52}{row['ms_per_request']:>11.2f}{row['calls_per_request']:>11.1f}"
            )
        lines += ["", f"{'top own time':80}{'own ms/req':>11}{'calls/req':>11}"]
        for row in profile["top"]:
            lines.append(
                f"{row['function'][-80:]:80}{row['own_ms_per_request']:>11.3f}"
                f"{row['calls_per_request']:>11.1f}"
            )
    return "\n".join(lines)
