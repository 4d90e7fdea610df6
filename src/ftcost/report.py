"""A Plan as a manager reads it: plain sentences, Markdown to forward, CSV of the months, JSON for scripts.

Everything here is presentation of numbers the engine computed; rounding to cents happens only here, and so
does showing them in the reader's language and currency: every sentence is a catalogue message
(`ftcost.i18n`, in the current context's language) and every amount goes through one `Display` (USD unless a
currency is chosen; converted for display only, at the rate the report states once).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ftcost import __version__
from ftcost.engine.results import OptionPlan, Plan, plain
from ftcost.engine.roi import saving_parts
from ftcost.engine.uncertainty import Uncertainty
from ftcost.i18n import N_, _, day, locale, ngettext, number, share_percent, text
from ftcost.money import Display
from ftcost.pricing.fx import rate_sentence
from ftcost.text import code, csv_writer, markdown

# the pages and tests call report.months, report.pct, report.tokens: the shared formatting, re-exported
from ftcost.views.common import CENT, cents, chance, epochs_basis, month_text, months, pct, tokens  # noqa: F401

CSV_COLUMNS = (
    "option",
    "model",
    "month",
    "starts",
    "served_by",
    "requests",
    "input_tokens",
    "cached_input_tokens",
    "output_tokens",
    "input_usd",
    "cached_input_usd",
    "output_usd",
    "inference_usd",
    "hosting_usd",
    "api_and_hosting_usd",
    "wrong_answers_usd",
    "with_wrong_answers_usd",
    "one_off_usd",
    "total_usd",
    "cumulative_usd",
)

#: Labels the screen, the Markdown report and the CSV share for a month of an option serving.
WITH_WRONG_LABEL = N_("Monthly cost, wrong answers included")
API_LABEL = N_("of which API cost")


def _stop_day(o: OptionPlan) -> str:
    """The day a switching option's model stops serving: the engine switches an option only at a shutdown day."""
    assert o.serves_until is not None, o.name
    return day(o.serves_until)


def _money(money: Display | None) -> Display:
    """The Display to use: the one given, else USD in the current language's number format."""
    return money if money is not None else Display(locale=locale())


def parts_text(parts, money: Display | None = None) -> str:
    """What a saving is made of, part by part ("wrong answers $90,000 less, API cost $700 more, one-off $5,000");
    parts that are zero are left out."""
    m = _money(money)
    out = []
    for label, usd in (
        (N_("API cost"), parts.api_usd),
        (N_("wrong answers"), parts.wrong_answers_usd),
        (N_("hosting"), parts.hosting_usd),
        (N_("retrieval"), parts.retrieval_usd),
    ):
        if usd:
            out.append(
                (_("{part} {amount} less") if usd > 0 else _("{part} {amount} more")).format(
                    part=_(label), amount=m.amount(abs(usd))
                )
            )
    if parts.one_off_usd:
        out.append(_("one-off {amount}").format(amount=m.amount(-parts.one_off_usd)))
    return _(", ").join(out) or _("no part differs")


def payback_sentence(plan: Plan, be, name: Callable[[str], str] = str, money: Display | None = None) -> str:
    """Whether one fine-tune pays back against one base option, and what the difference is made of, in a
    sentence (and when it stops serving); `name` formats option names (`markdown` for the report)."""
    m = _money(money)
    ft = plan.option(be.fine_tuned)
    fields = {
        "fine_tune": name(be.fine_tuned),
        "against": name(be.against),
        "month": be.month,
        "months": months(plan.horizon_months),
    }
    made_of = " " + _("Over {months} against {against}: {parts}.").format(
        months=months(plan.horizon_months),
        against=name(be.against),
        parts=parts_text(saving_parts(ft, plan.option(be.against)), m),
    )
    switch = ""
    if ft.switch_month is not None:
        switch = " " + _(
            "It stops serving on {date}: from month {month} the plan pays for {successor} instead, and no "
            "saving is counted for months it does not serve."
        ).format(date=_stop_day(ft), month=ft.switch_month, successor=name(ft.successor or ""))
    if be.month is not None:
        text = _("{fine_tune} pays back against {against} in month {month} and saves {savings} over {months}").format(
            savings=m.amount(be.savings_at_horizon_usd), **fields
        )
        if be.roi_pct is not None:
            text += _(" (ROI {roi})").format(roi=pct(be.roi_pct))
        return text + _(".") + made_of + switch
    return (
        _(
            "{fine_tune} does not pay back against {against} within {months}: it costs {extra} more by then "
            "(one-off {one_off})."
        ).format(extra=m.amount(-be.savings_at_horizon_usd), one_off=m.amount(ft.one_off_usd), **fields)
        + made_of
        + switch
    )


def cheapest_sentence(plan: Plan, name: Callable[[str], str] = str, money: Display | None = None) -> str:
    """Which planned option costs least over the horizon, whatever it is, and the others in order."""
    m = _money(money)
    ranked = sorted(plan.options, key=lambda o: o.cumulative_usd[-1])
    best = ranked[0]
    kind = _("a fine-tune") if best.fine_tuned else _("a base model")
    out = _(
        "Cheapest over {months}: {option} ({kind}), {total} in all (API cost, wrong answers and any one-off cost)"
    ).format(
        months=months(plan.horizon_months), option=name(best.name), kind=kind, total=m.amount(best.cumulative_usd[-1])
    )
    if len(ranked) > 1:
        out += _("; then {others}").format(
            others=_(", ").join(
                _("{option} {total}").format(option=name(o.name), total=m.amount(o.cumulative_usd[-1]))
                for o in ranked[1:]
            )
        )
    return out + _(".")


def infeasible_sentences(plan: Plan, name: Callable[[str], str] = str) -> list[str]:
    """What cannot be done and why: each fine-tune that cannot be carried out (`name` formats the whole
    sentence: the reasons quote option names), in the current language; the answer ends with them."""
    return [name(text(reason)) for e in plan.infeasible for reason in e.reasons]


def stay_sentence(plan: Plan, name: Callable[[str], str] = str, money: Display | None = None) -> str:
    """The answer when no fine-tune can be carried out: the base option that costs least over the horizon."""
    m = _money(money)
    when = day(plan.as_of)
    bases = [o for o in plan.options if not o.fine_tuned]
    if not bases:
        gone = _(", ").join(name(e.name) for e in plan.excluded) or _("none")
        return _(
            "No option of this scenario can be planned on {date} (not served or not feasible: {gone}): add an "
            "option with a model OpenAI serves on that day (the Prices page and `ftcost prices` list them) or "
            "choose an earlier price date."
        ).format(date=when, gone=gone)
    best = min(bases, key=lambda o: o.cumulative_usd[-1])
    fields = {
        "date": when,
        "best": name(best.name),
        "months": months(plan.horizon_months),
        "total": m.amount(best.cumulative_usd[-1]),
    }
    if plan.infeasible:
        text = _(
            "No fine-tune in this scenario can be carried out on {date}, so stay on a base model: {best} costs the "
            "least over {months}, {total} with its wrong answers"
        ).format(**fields)
    else:
        text = _(
            "This scenario has no fine-tune that can be planned, so stay on a base model: {best} costs the least "
            "over {months}, {total} with its wrong answers"
        ).format(**fields)
    others = [o for o in bases if o is not best]
    if others:
        text += _(" ({others})").format(
            others=_("; ").join(
                _("{option} {total}").format(option=name(o.name), total=m.amount(o.cumulative_usd[-1])) for o in others
            )
        )
    if best.switch_month is not None:
        text += _("; it stops serving on {date}, so from month {month} the plan pays for {successor}").format(
            date=_stop_day(best), month=best.switch_month, successor=name(best.successor or "")
        )
    return text + _(".")


def gate_sentence(plan: Plan, name: Callable[[str], str] = str) -> str | None:
    """How the pilot's gate relates to the target and to the accuracy the plan assumes, in one sentence."""
    p = plan.pilot
    if p is None or (gate := p.gate_accuracy_pct) is None:  # no gate exactly when no accuracy pays back
        return None
    if p.break_even_accuracy_pct is None:
        out = _(
            "A wrong answer costs nothing in this scenario, so accuracy does not move the money: the gate is your "
            "target, {target}"
        ).format(target=pct(p.target_accuracy_pct))
    elif not p.break_even_accuracy_pct:
        # 0% is the arithmetic's honest answer when the API saving alone pays back, but "0.0%" reads as a bug.
        out = _(
            "The gate is your target, {target}: {option} pays back against {against} within {months} at any accuracy"
        ).format(
            target=pct(p.target_accuracy_pct),
            option=name(p.option),
            against=name(str(p.against)),
            months=months(plan.horizon_months),
        )
    else:
        out = _(
            "The gate is the higher of your target ({target}) and the lowest accuracy at which {option} still pays "
            "back against {against} within {months} ({needed})"
        ).format(
            target=pct(p.target_accuracy_pct),
            option=name(p.option),
            against=name(str(p.against)),
            months=months(plan.horizon_months),
            needed=pct(p.break_even_accuracy_pct),
        )
    if p.assumed_accuracy_pct is not None:
        assumed = pct(p.assumed_accuracy_pct)
        if p.assumed_accuracy_pct < gate:
            out += _(
                "; the plan assumes {assumed}, below the gate, so its payback rests on beating that assumption"
            ).format(assumed=assumed)
        else:
            out += _("; the plan assumes {assumed}").format(assumed=assumed)
    out += _(".")
    if p.break_even_accuracy_pct is not None and (stop := _stops_serving(plan, p.against)) is not None:
        # The comparison's line is flat after it stops (nothing paid), so the break-even is over its months only.
        out += " " + _(
            "{against} stops serving on {date}, so the break-even counts its cost only to month {month}."
        ).format(against=name(str(p.against)), date=day(stop[0]), month=stop[1])
    return out


def _stops_serving(plan: Plan, option: str | None) -> tuple[dt.date, int] | None:
    """When `option` stops serving inside the horizon with nothing after it (its line then costs nothing): the
    day, and the last month it serves; else None."""
    o = next((o for o in plan.options if o.name == option), None)
    if o is None or o.serves_until is None:
        return None
    served = [m.month for m in o.months if m.served_by]
    return (o.serves_until, served[-1]) if served and served[-1] < plan.horizon_months else None


def pilot_sentence(plan: Plan, name: Callable[[str], str] = str, money: Display | None = None) -> str | None:
    """What the pilot costs and the go/no-go gate, in a sentence — or that no accuracy pays back (None without
    a pilot)."""
    m = _money(money)
    p = plan.pilot
    if p is None:
        return None
    cost = ngettext(
        "{cost} for {examples} example ({share} of the project's {one_off} one-off cost)",
        "{cost} for {examples} examples ({share} of the project's {one_off} one-off cost)",
        p.examples,
    ).format(
        cost=m.amount(p.total_usd),
        examples=number(p.examples),
        share=pct(p.share_of_project_pct),
        one_off=m.amount(p.project_one_off_usd),
    )
    if p.no_accuracy_pays_back:
        why = (
            _("A wrong answer costs nothing in this scenario, so accuracy cannot change that")
            if p.break_even_accuracy_pct is None
            else _("Even with every answer right,")
        )
        return _(
            "No accuracy pays back: don't run the pilot for cost reasons. {why} {option} does not pay back against "
            "{against} within {months}; the pilot would cost {cost}."
        ).format(
            why=why, option=name(p.option), against=name(str(p.against)), months=months(plan.horizon_months), cost=cost
        )
    go = ngettext(
        "Run the pilot first: {cost}. Go ahead if {option} reaches at least {gate} accuracy on {examples} "
        "held-out example.",
        "Run the pilot first: {cost}. Go ahead if {option} reaches at least {gate} accuracy on {examples} "
        "held-out examples.",
        p.eval_examples,
    ).format(cost=cost, option=name(p.option), gate=pct(p.gate_accuracy_pct), examples=number(p.eval_examples))
    return go + " " + (gate_sentence(plan, name) or "")


def headline(
    plan: Plan, against: str | None = None, name: Callable[[str], str] = str, money: Display | None = None
) -> list[str]:
    """The answer in sentences: first the option cheapest over the horizon, whatever it is; then whether each
    feasible fine-tune pays back (against `against`, or every base option) and what the saving is made of; what
    it depends on; the pilot — or, with no feasible fine-tune, the base model to stay on (itself the cheapest);
    last, what cannot be done and why. A manager reading only the first lines learns what to do, not only what
    not to. `name` formats option names (`markdown` for the report)."""
    cannot = infeasible_sentences(plan, name)
    paybacks = [
        payback_sentence(plan, be, name, money) for be in plan.break_even if against is None or be.against == against
    ]
    if not paybacks:
        return [stay_sentence(plan, name, money)] + cannot
    out = [cheapest_sentence(plan, name, money)] + paybacks + [name(text(c)) for c in plan.caveats]
    pilot = pilot_sentence(plan, name, money)
    return out + ([pilot] if pilot else []) + cannot


def no_answer_sentence(plan: Plan) -> str:
    """Why a plan has no payback to report: nothing can be priced on its date, or no fine-tune, or no base."""
    when = day(plan.as_of)
    if not plan.options:
        return _(
            "None of the scenario's options can be priced on {date}, so there is nothing to compare; the warnings "
            "say from when each one is priced."
        ).format(date=when)
    if not any(o.fine_tuned for o in plan.options):
        return _("No fine-tuned option can be priced on {date}, so there is no fine-tune to compare.").format(date=when)
    return _("No base-model option can be priced on {date}, so there is nothing to compare the fine-tune with.").format(
        date=when
    )


def display_dict(money: Display | None, found=None) -> dict[str, Any] | None:
    """The currency and rate the sentences' amounts are shown in (None for USD: the figures are as computed)."""
    if money is None or not money.converted:
        return None
    return {
        "currency": money.currency,
        "per_usd": str(money.rate),
        "rate_date": money.rate_date.isoformat() if money.rate_date else None,
        "source": money.source,
        "stated_in_scenario": money.stated,
        "verified": money.verified,
    }


def to_dict(
    plan: Plan, uncertainty: Uncertainty | None = None, money: Display | None = None, found=None
) -> dict[str, Any]:
    """JSON-ready report (decimal strings in USD, ISO dates; the headline in the current language and, when a
    currency is chosen, in that currency, with the rate under "display"); with `uncertainty`, the simulation over
    the ranges too."""
    out = {
        "scenario": plan.scenario,
        "as_of": plan.as_of.isoformat(),
        "horizon_months": plan.horizon_months,
        "tier": plan.tier,
        "compare_with": plan.compare_with or None,
        "headline": headline(plan, against=plan.compare_with or None, money=money),
        "display": display_dict(money, found),
        "options": [_option_dict(o) for o in plan.options],
        "break_even": plain(plan.break_even),
        "prompt_savings": plain(plan.prompt_savings),
        "pilot": _pilot_dict(plan),
        "warnings": [text(w) for w in plan.warnings],
        "caveats": [text(c) for c in plan.caveats],
        "not_planned": plain(plan.excluded),
        "ftcost_version": __version__,
    }
    if uncertainty is not None:
        out["simulation"] = simulation_dict(uncertainty)
    return out


def simulation_dict(u: Uncertainty) -> dict[str, Any]:
    """The simulation as JSON: seed, draws, odds of every pair, the drivers and break-even values of the chosen one."""
    r = u.result
    return {
        "seed": r.seed,
        "draws": r.draws,
        "ranged": r.ranged,
        "fine_tuned": u.fine_tuned,
        "against": u.against,
        "odds": plain(r.odds),
        "pilot_information": plain(r.pilot) if r.pilot else None,
        "drivers": [plain(d) | {"swing": str(d.swing)} for d in u.drivers],
        "break_even_values": plain(u.break_even_values),
        "bands": plain(r.bands),
        "notes": list(r.notes),
    }


def _option_dict(o: OptionPlan) -> dict[str, Any]:
    first = o.steady
    return {
        "name": o.name,
        "model": o.model,
        "resolved_model": o.resolved_model,
        "fine_tuned": o.fine_tuned,
        "accuracy_pct": str(o.accuracy_pct),
        "monthly_usd": str(o.monthly_usd),
        "one_off_usd": str(o.one_off_usd),
        "one_off": plain(o.one_off) if o.one_off else None,
        "requests_per_month": first.requests,
        "prompt_tokens_per_request": o.tokens.prompt_tokens,
        "output_tokens_per_request": o.tokens.output_tokens,
        "input_tokens_per_month": first.input_tokens,
        "cached_input_tokens_per_month": first.cached_input_tokens,
        "output_tokens_per_month": first.output_tokens,
        "cost_per_correct_usd": None if o.cost_per_correct_usd is None else str(o.cost_per_correct_usd),
        "total_at_horizon_usd": str(o.cumulative_usd[-1]),
        "go_live_month": o.go_live_month,
        "serves_until": o.serves_until.isoformat() if o.serves_until else None,
        "switch_month": o.switch_month,
        "successor": o.successor,
        "encoding": o.tokens.encoding,
        "tokens_measured": {"prompt": o.tokens.prompt_source, "output": o.tokens.output_source},
        "rates": plain(o.rates),
        "months": plain(o.months),
        **(
            {
                "retrieval": plain(o.retrieval)
                | {"one_off_usd": str(o.retrieval.one_off_usd), "monthly_usd": str(o.retrieval.monthly_usd)}
            }
            if o.retrieval
            else {}
        ),
    }


def _pilot_dict(plan: Plan) -> dict[str, Any] | None:
    if not plan.pilot:
        return None
    p = plan.pilot
    data = plain(p)
    data.update(
        total_usd=str(p.total_usd),
        share_of_project_pct=str(p.share_of_project_pct.quantize(Decimal("0.01"))),
        gate_accuracy_pct=None if p.gate_accuracy_pct is None else str(p.gate_accuracy_pct),
        no_accuracy_pays_back=p.no_accuracy_pays_back,
    )
    return data


def to_csv(plan: Plan, uncertainty: Uncertainty | None = None) -> str:
    """Every option's months, one row each, with the running total; retrieval's running costs when an option has
    retrieved context, and with `uncertainty` the P10 / P50 / P90 of the running total over the draws. Money is in
    cents (each cell rounded on its own, so a row may differ from the sum of its rounded parts by a cent)."""
    buf = io.StringIO()
    writer = csv_writer(buf)
    retrieval = any(o.retrieval is not None for o in plan.options)
    bands = {b.option: b for b in uncertainty.result.bands} if uncertainty is not None else {}
    writer.writerow(
        CSV_COLUMNS
        + (("retrieval_usd",) if retrieval else ())
        + (("cumulative_p10_usd", "cumulative_p50_usd", "cumulative_p90_usd") if bands else ())
    )
    for o in plan.options:
        for i, (m, cumulative) in enumerate(zip(o.months, o.cumulative_usd, strict=True)):
            money = [
                m.input_usd,
                m.cached_input_usd,
                m.output_usd,
                m.inference_usd,
                m.hosting_usd,
                m.serving_usd,
                m.wrong_answers_usd,
                m.with_wrong_answers_usd,
                m.one_off_usd,
                m.total_usd,
                cumulative,
            ]
            if retrieval:
                money.append(m.retrieval_usd)
            if bands:
                b = bands.get(o.name)
                money += [b.p10[i], b.p50[i], b.p90[i]] if b else []
            row = [
                o.name,
                o.resolved_model,
                m.month,
                m.starts.isoformat(),
                m.served_by,
                m.requests,
                m.input_tokens,
                m.cached_input_tokens,
                m.output_tokens,
                *(cents(x) for x in money),
            ]
            if bands and not bands.get(o.name):
                row += ["", "", ""]
            writer.writerow(row)
    return buf.getvalue()


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def to_markdown(
    plan: Plan,
    uncertainty: Uncertainty | None = None,
    money: Display | None = None,
    found=None,
    title: str | None = None,
) -> str:
    """The report a manager forwards, in the current language; amounts in `money`'s currency (USD by default),
    whose rate is stated once under the title. Every name from the scenario goes through `markdown` (or `code`):
    a name is shown as written, never as a link, an image, HTML or a broken table."""
    m = _money(money)
    md = markdown
    h = plan.horizon_months
    answer = (
        headline(plan, against=plan.compare_with or None, name=md, money=m)
        if plan.options
        else [no_answer_sentence(plan)]
    )
    tier = {"standard": _("standard"), "batch": _("batch")}.get(plan.tier, plan.tier)
    lines = [
        "# " + _("Fine-tuning plan: {scenario}").format(scenario=md(title or plan.scenario)),
        "",
        _("Prices in force on {date} ({tier} tier), projected over {months}. Made with ftcost {version}.").format(
            date=day(plan.as_of), tier=tier, months=months(h), version=__version__
        ),
        "",
    ]
    if (rate := rate_sentence(m, found, plan.as_of)) is not None:
        lines += [rate, ""]
    lines += ["## " + _("The answer"), "", *[f"- {s}" for s in answer], ""]
    if plan.options:
        lines += [
            "## " + _("Options compared (first month)"),
            "",
            _row(
                _("Option"),
                _("Model"),
                _("Prompt tokens / request"),
                _("Output tokens / request"),
                _(WITH_WRONG_LABEL),
                _(API_LABEL),
                _("Accuracy"),
                _("Cost per correct answer"),
                _("One-off"),
                _("Total over the horizon"),
            ),
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
    for o in plan.options:
        lines.append(
            _row(
                md(o.name),
                code(o.resolved_model),
                tokens(o.tokens.prompt_tokens),
                tokens(o.tokens.output_tokens),
                m.amount(o.monthly_with_wrong_answers_usd),
                m.amount(o.monthly_usd),
                pct(o.accuracy_pct),
                m.per_answer(o.cost_per_correct_usd),
                m.amount(o.one_off_usd),
                m.amount(o.cumulative_usd[-1]),
            )
        )
    for e in plan.excluded if plan.options else ():
        lines.append(_row(md(e.name), code(e.model), "—", "—", _("not planned"), "—", "—", "—", "—", "—"))
    if plan.options:
        note = _(
            'A month is each option serving on its own at the first month\'s volume; "{api}" is tokens, plus '
            "hosting where the provider bills deployment- or replica-hours, and the first column adds the expected "
            "wrong answers × the cost of a wrong answer (the CSV's api_and_hosting_usd and "
            "with_wrong_answers_usd, month by month). Totals include the cost of wrong answers"
        ).format(api=_(API_LABEL))
        if any(o.fine_tuned for o in plan.options):
            note += _(
                " and, for fine-tunes, the one-off cost in month 1; until a fine-tune goes live (month {month}, "
                "when the {weeks}-week project ends) the product keeps running on {current} and that cost counts "
                "towards the fine-tune's total."
            ).format(
                month=max(o.go_live_month for o in plan.options),
                weeks=plan.project_weeks,
                current=md(plan.current_option),
            )
        else:
            note += _(".")
        lines += ["", note, ""]
    switching = [o for o in plan.options if o.switch_month is not None]
    if plan.excluded or switching:
        lines += ["## " + _("What the models' lifecycle changes"), ""]
        lines += [
            "- " + _("Not planned: {reason}").format(reason=md(text(reason)))
            for e in plan.excluded
            for reason in e.reasons
        ]
        lines += [
            "- "
            + _(
                "{option}: {model} stops serving on {date}; from month {month} its months are {successor}'s "
                "(the *served_by* column of the CSV)."
            ).format(
                option=md(o.name),
                model=code(o.resolved_model),
                date=_stop_day(o),
                month=o.switch_month,
                successor=md(o.successor or ""),
            )
            for o in switching
        ]
        lines.append("")
    if plan.break_even:
        lines += [
            "## " + _("Payback"),
            "",
            _row(_("Fine-tune"), _("Against"), _("Break-even"), _("Savings at the horizon"), _("ROI")),
            "|---|---|---|--:|--:|",
        ]
    for be in plan.break_even:
        lines.append(
            _row(
                md(be.fine_tuned),
                md(be.against),
                month_text(be.month, h),
                m.amount(be.savings_at_horizon_usd),
                pct(be.roi_pct) if be.month is not None else _("no payback"),
            )
        )
    if plan.prompt_savings:
        lines += [
            "",
            "## " + _("Prompt shortening"),
            "",
            _row(_("Fine-tune"), _("Against"), _("Tokens saved / request"), _("Saved in month 1"), _("Shorter by")),
            "|---|---|--:|--:|--:|",
        ]
    for s in plan.prompt_savings:
        lines.append(
            _row(
                md(s.fine_tuned),
                md(s.against),
                tokens(s.tokens_saved_per_request),
                tokens(s.tokens_saved_first_month),
                pct(s.saved_pct),
            )
        )
    if any(o.one_off for o in plan.options):
        lines += ["", "## " + _("One-off cost of each fine-tune"), ""]
    for o in plan.options:
        if not o.one_off:
            continue
        x = o.one_off
        est = epochs_basis(x, _(" (OpenAI's auto rule, estimated)"))
        lines += [
            f"**{md(o.name)}** — {m.amount(x.total_usd)}",
            "",
            "- "
            + _(
                "Training: {tokens} tokens per epoch × {epochs}{estimated} = {charged} charged tokens, "
                "{per_run} per run × {iterations} iterations = {training} (tokens {source})"
            ).format(
                tokens=tokens(x.training_tokens_per_epoch),
                epochs=ngettext("{n} epoch", "{n} epochs", x.epochs).format(n=x.epochs),
                estimated=est,
                charged=tokens(x.charged_tokens_per_run),
                per_run=m.amount(x.training_usd_per_run),
                iterations=x.iterations,
                training=m.amount(x.training_usd),
                source=md(text(x.tokens_source)),
            ),
            "- "
            + _("People: {labour} over {iterations} iterations; data preparation {prep}").format(
                labour=m.amount(x.labour_usd), iterations=x.iterations, prep=m.amount(x.data_prep_usd)
            ),
            "- " + _("Pilot: {pilot}").format(pilot=m.amount(x.pilot_usd)),
            "",
        ]
    if plan.pilot:
        p = plan.pilot
        gate = _("Go/no-go: accuracy ≥ {gate} (target {target}; break-even needs {needed})").format(
            gate=pct(p.gate_accuracy_pct), target=pct(p.target_accuracy_pct), needed=pct(p.break_even_accuracy_pct)
        )
        if p.against:
            gate += _(", break-even with {against} by {month}").format(
                against=md(p.against), month=month_text(p.break_even_month_to_beat, h)
            )
        lines += [
            "## " + _("The pilot"),
            "",
            "- "
            + _("{examples} training examples × {epochs} epochs = {tokens} tokens: {cost}").format(
                examples=number(p.examples),
                epochs=p.epochs,
                tokens=tokens(p.training_tokens),
                cost=m.amount(p.training_usd),
            ),
            "- "
            + _("Evaluation: {examples} held-out examples through every option: {cost}").format(
                examples=number(p.eval_examples), cost=m.amount(p.eval_usd)
            ),
            "- "
            + _("One iteration of the team plus preparing the examples: {cost}").format(cost=m.amount(p.labour_usd)),
            "- "
            + _("**Total {total}**, {share} of the project's one-off cost").format(
                total=m.amount(p.total_usd), share=pct(p.share_of_project_pct)
            ),
            (
                "- "
                + _(
                    "Go/no-go: no accuracy pays back against {against} within {months}, so don't run the pilot for "
                    "cost reasons"
                ).format(against=md(str(p.against)), months=months(h))
                if p.no_accuracy_pays_back
                else "- " + gate + _(". ") + (gate_sentence(plan, md) or "")
            ),
            "",
        ]
    lines += retrieval_markdown(plan, m)
    if uncertainty is not None:
        lines += simulation_markdown(uncertainty, h, m)
    if plan.warnings:
        lines += ["## " + _("Warnings"), "", *[f"- {md(text(w))}" for w in plan.warnings], ""]
    if any(o.rates for o in plan.options):
        lines += [
            "## " + _("Rates used"),
            "",
            _row(_("Option"), _("Rate"), _("USD per 1M tokens"), _("In force from"), _("Source")),
            "|---|---|--:|---|---|",
        ]
    for o in plan.options:
        for name, r in o.rates.items():
            lines.append(
                _row(
                    md(o.name),
                    rate_name(name),
                    rate_cell(str(r["price_per_mtok"])),
                    team_said(str(r["effective_from"])),
                    team_said(str(r["source"])),
                )
            )
    if m.converted:
        lines += [
            "",
            "## " + _("Exchange rate"),
            "",
            _("1 US dollar = {rate} {code}; {whose}.").format(
                rate=m.rate_text(),
                code=m.currency,
                whose=(_("stated in the scenario") + (f" ({md(m.source)})" if m.source else ""))
                if m.stated
                else (found.source if found is not None else m.source),
            ),
        ]
    lines.append("")
    return "\n".join(lines)


#: The rates table's row names (the engine's keys), as the reader reads them.
RATE_NAMES = {
    "input": N_("input"),
    "cached_input": N_("cached input"),
    "output": N_("output"),
    "training": N_("training"),
    "inference": N_("inference"),
    "hosting": N_("hosting"),
    "serving": N_("serving"),
    "storage": N_("storage"),
}
#: What the rates table says for a rate the scenario's team supplied (ftcost.pricing.provider_quote.TEAM).
TEAM_SAID = N_("the team's figure")


def rate_name(name: str) -> str:
    return _(RATE_NAMES[name]) if name in RATE_NAMES else name.replace("_", " ")


def rate_cell(price: str) -> str:
    """`5.00 per GPU-hour`: the price as published, its unit in the reader's language."""
    # deferred: ftcost.views.prices loads pandas, and only the rates section needs its unit labels
    from ftcost.views.prices import UNIT_LABELS

    amount, _sep, unit = price.partition(" ")
    return f"{amount} {_(UNIT_LABELS[unit])}" if unit in UNIT_LABELS else price


def team_said(value: str) -> str:
    return _(TEAM_SAID) if value == TEAM_SAID else value


def retrieval_markdown(plan: Plan, money: Display | None = None) -> list[str]:
    """What each option's retrieved context costs: once, each month, each request (in `money`'s currency)."""
    rows = [(o, o.retrieval) for o in plan.options if o.retrieval is not None]
    if not rows:
        return []
    m = _money(money)
    lines = [
        "## " + _("Retrieved context"),
        "",
        _row(
            _("Option"),
            _("Corpus"),
            _("Embedding once"),
            _("Build"),
            _("Each month (updates + store + upkeep)"),
            _("Per request"),
            _("Retrieved tokens / request"),
        ),
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for o, r in rows:
        lines.append(
            _row(
                markdown(o.name),
                _("{tokens} tokens").format(tokens=tokens(r.corpus_tokens)),
                m.amount(r.corpus_usd),
                m.amount(r.build_labour_usd),
                f"{m.amount(r.monthly_usd)} ({m.amount(r.updates_usd_per_month)} + "
                f"{m.amount(r.vector_store_usd_per_month)} + {m.amount(r.maintenance_usd_per_month)})",
                m.amount(r.query_usd_per_request, m.digits + 4),
                tokens(r.retrieved_tokens_per_request),
            )
        )
    models = _(", ").join(code(e) for e in sorted({r.embedding_model for _unused, r in rows}))
    lines += [
        "",
        _(
            "Embeddings at {models}'s price on the plan's date; the retrieved tokens are billed as each "
            "option's input tokens; the vector store's bill and the hours are the scenario's own figures."
        ).format(models=models),
        "",
    ]
    return lines


def simulation_markdown(u: Uncertainty, horizon: int, money: Display | None = None) -> list[str]:
    """ "How sure is this?": the odds, the drivers, what would have to be true (amounts in `money`'s currency)."""
    # deferred: pandas is heavy and only the simulation section needs it (and ftcost.views imports this module)
    from ftcost.views.uncertainty import assumption_label, odds_sentences, what_would_have_to_be_true

    m = _money(money)
    r = u.result
    ranged = _(", ").join(markdown(assumption_label(x)) for x in r.ranged) or _("none")
    lines = [
        "## " + _("How sure is this?"),
        "",
        *[f"- {s}" for s in odds_sentences(u, horizon, name=markdown, money=m)],
        "",
        _(
            "Ranged assumptions: {ranged}. Draws: {draws}, seed {seed} (the same seed gives the same answer). "
            "Every fine-tune against every base option:"
        ).format(ranged=ranged, draws=number(r.draws), seed=r.seed),
        "",
        _row(
            _("Fine-tune"),
            _("Against"),
            _("Pays back"),
            _("Savings P10"),
            _("Median"),
            _("P90"),
            _("Break-even P10 / median / P90"),
        ),
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for o in r.odds:
        spread = " / ".join(month_text(x, horizon) for x in (o.break_even_p10, o.break_even_p50, o.break_even_p90))
        lines.append(
            f"| {markdown(o.fine_tuned)} | {markdown(o.against)} | {share_percent(o.p_pays_back)} | {m.amount(o.savings_p10)} | "
            f"{m.amount(o.savings_p50)} | {m.amount(o.savings_p90)} | {spread} |"
        )
    if u.drivers:
        lines += [
            "",
            "### "
            + _("What drives the answer ({fine_tune} against {against})").format(
                fine_tune=markdown(u.fine_tuned), against=markdown(u.against)
            ),
            "",
            _row(_("Assumption"), _("Low → high"), _("Savings at low"), _("Savings at high"), _("Swing")),
            "|---|---|--:|--:|--:|",
        ]
        for d in u.drivers:
            a = u.assumption(d.key)
            lines.append(
                f"| {markdown(assumption_label(d.label))} | {_value(a.low, a, m)} → {_value(a.high, a, m)} | "
                f"{m.amount(d.savings_at_low)} | {m.amount(d.savings_at_high)} | {m.amount(d.swing)} |"
            )
    table = what_would_have_to_be_true(u, m)
    lines += [
        "",
        "### " + _("What would have to be true"),
        "",
        _(
            "The value of each assumption at which the savings at the horizon are zero, the others at their likely "
            "values."
        ),
        "",
        "| " + " | ".join(table.columns) + " |",
        "|" + "---|" * len(table.columns),
    ]
    lines += ["| " + " | ".join(markdown(v) for v in row) + " |" for row in table.itertuples(index=False)]
    lines.append("")
    return lines


def _value(x: float, a, money: Display | None = None) -> str:
    # deferred: as in simulation_markdown
    from ftcost.views.uncertainty import value_text

    return value_text(x, a.unit, a.whole, money)
