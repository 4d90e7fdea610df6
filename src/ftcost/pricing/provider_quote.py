"""What a fine-tune on a provider other than OpenAI costs: the one-off (training) and the month (inference,
hosting, dedicated serving, storage), itemised with the rate, unit and source of each line.

A rate the provider's data lacks is a line with no amount and the reason, never a zero; the team's negotiated
figures (`TeamRate`, from a scenario's `[[rate]]` or `ftcost quote --rate`) take precedence and are labelled
as the team's. The arithmetic is `ftcost.engine.hosting`'s; this module only picks the rates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from ftcost.errors import NotOfferedError
from ftcost.i18n import N_, Notice
from ftcost.money import decimal_str
from ftcost.pricing import hosting as H
from ftcost.pricing.costs import token_cost
from ftcost.pricing.providers import UNITS, Provider, RateRow, load_providers

Slice = Literal["training", "inference", "hosting", "serving", "storage"]
TEAM = "the team's figure"


@dataclass(frozen=True)
class TeamRate:
    """A negotiated rate the team supplies; it replaces the provider's row of the same kind."""

    kind: str
    price: Decimal | None = None
    input: Decimal | None = None
    output: Decimal | None = None
    cap: Decimal | None = None
    note: str = ""
    verified = False
    sources: tuple = ()

    @property
    def unit(self) -> str:
        return UNITS[self.kind]


@dataclass(frozen=True)
class Line:
    part: Literal["one_off", "monthly"]
    slice: Slice
    label: str
    detail: str
    usd: Decimal | None
    """None: the rate is absent (see `note`); the total leaves it out and says so."""
    rate: RateRow | TeamRate | None = None
    note: str = ""

    @property
    def source(self) -> str:
        if isinstance(self.rate, TeamRate):
            return TEAM
        return " ".join(url for _, url in self.rate.sources) if self.rate else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "slice": self.slice,
            "label": self.label,
            "detail": self.detail,
            "usd": decimal_str(self.usd) if self.usd is not None else None,
            "source": self.source,
            "verified": bool(self.rate and self.rate.verified),
            "note": self.note,
        }


@dataclass(frozen=True)
class ProviderQuote:
    provider: str
    provider_name: str
    model: str
    as_of: dt.date
    month: str
    lines: tuple[Line, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def total(self, part: str) -> Decimal:
        return sum((ln.usd for ln in self.lines if ln.part == part and ln.usd is not None), Decimal(0))

    @property
    def one_off_usd(self) -> Decimal:
        return self.total("one_off")

    @property
    def monthly_usd(self) -> Decimal:
        return self.total("monthly")

    def by_slice(self, part: str = "monthly") -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for ln in self.lines:
            if ln.part == part and ln.usd is not None:
                out[ln.slice] = out.get(ln.slice, Decimal(0)) + ln.usd
        return out

    @property
    def complete(self) -> bool:
        return all(ln.usd is not None for ln in self.lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "model": self.model,
            "as_of": self.as_of.isoformat(),
            "month": self.month,
            "lines": [ln.to_dict() for ln in self.lines],
            "one_off_usd": decimal_str(self.one_off_usd),
            "monthly_usd": decimal_str(self.monthly_usd),
            "complete": self.complete,
            "notes": list(self.notes),
        }


def provider_quote(
    provider_id: str,
    model: str,
    *,
    as_of: dt.date,
    training_tokens: int = 0,
    epochs: int = 1,
    validation_tokens: int = 0,
    n_evals: int = 0,
    method: str = "sft",
    adapter: str = "lora",
    tier: str | None = None,
    training_hours: Decimal | None = None,
    input_tokens: int = 0,
    output_tokens: int = 0,
    deployment: str | None = None,
    deployments: int = 1,
    gpus_per_replica: int = 1,
    gpu: str = "H100",
    month: H.MonthBasis = "730-hour",
    hours: Decimal | None = None,
    existing_customer: bool = False,
    team_rates: tuple[TeamRate, ...] = (),
    provider: Provider | None = None,
) -> ProviderQuote:
    """Price one fine-tune on `provider_id` on `as_of`. Token counts are per job (training) and per month
    (input/output); `deployments` always-on deployments or dedicated replicas run `month` hours a month
    (`hours` overrides that: a replica that runs part-time)."""
    p = provider or load_providers().get(provider_id)
    m = p.model(model)
    deployment = deployment or m.deployments[0]
    team = {t.kind: t for t in team_rates}
    month_said = f"{month} month"
    if hours is None:
        hours = H.month_hours(month)
    else:
        month_said = f"{hours} h a month"
    lines: list[Line] = []
    notes: list[str] = []

    def find(kind: str, **filters) -> tuple[RateRow | TeamRate | None, str]:
        if kind in team:
            return team[kind], ""
        try:
            return p.rate(as_of, kind, **filters), ""
        except NotOfferedError as exc:
            return None, str(exc)

    if not p.training_open(m.id, as_of, existing_customer):
        notes.append(
            Notice(
                N_("No new fine-tuning job on {model} can start at {provider} on {date} (an existing customer).")
                if existing_customer
                else N_("No new fine-tuning job on {model} can start at {provider} on {date}."),
                model=m.id,
                provider=p.info.name,
                date=as_of,
            )
        )

    # --- one-off: training --------------------------------------------------------------------------------
    billed = H.billable_training_tokens(
        training_tokens,
        epochs,
        validation_tokens=validation_tokens,
        n_evals=n_evals,
        validation_billed=bool(p.info.validation_tokens_billed),
    )
    tokens_said = f"{training_tokens:,} tokens × {epochs} epoch{'s' if epochs != 1 else ''}"
    if p.info.validation_tokens_billed and n_evals and validation_tokens:
        tokens_said += f" + {n_evals} × {validation_tokens:,} validation tokens"
    training_usd: Decimal | None = None
    if p.throughput and "training_mtok" not in team:
        tput = p.throughput_for(m.params_b or Decimal(0), adapter)
        rate, why = _gpu_rate(p, as_of, gpu, team)
        gpu_hours = H.training_gpu_hours(billed, tput.tokens_per_second_per_gpu)
        training_usd = H.training_per_gpu_hour(gpu_hours, _price(rate)) if rate else None
        lines.append(
            Line(
                "one_off",
                "training",
                Notice(N_("training (GPU-hours)")),
                f"{billed:,} tokens ÷ ({tput.tokens_per_second_per_gpu:,} tok/s per GPU × 3,600) = "
                f"{gpu_hours:.2f} {gpu}-hours",
                training_usd,
                rate,
                why,
            )
        )
        notes.append(
            Notice(
                N_(
                    "Throughput {tps} tokens/s per GPU measured on {model}, {gpus} × {gpu} GPU: {setup} "
                    "Priced as {priced}-hours."
                ),
                tps=tput.tokens_per_second_per_gpu,
                model=tput.model_class,
                gpus=tput.gpus,
                gpu=tput.gpu,
                setup=tput.setup,
                priced=gpu,
            )
        )
    elif method == "rft":
        rate, why = find("training_hour", model=m.id, method="rft")
        if training_hours is None:
            lines.append(
                Line(
                    "one_off",
                    "training",
                    Notice(N_("training (RFT hours)")),
                    "give the hours of training",
                    None,
                    rate,
                    "RFT bills hours of training, which ftcost cannot derive from tokens.",
                )
            )
        else:
            training_usd = (
                H.training_per_hour(training_hours, _price(rate), rate.cap, round_hours_to=2) if rate else None
            )
            cap = f", capped at {rate.cap} per job" if rate and rate.cap else ""
            lines.append(
                Line(
                    "one_off",
                    "training",
                    Notice(N_("training (RFT hours)")),
                    f"{training_hours} h{cap}",
                    training_usd,
                    rate,
                    why,
                )
            )
    else:
        rate, why = find("training_mtok", model=m.id, method=method, adapter=adapter, tier=tier)
        training_usd = H.training_per_mtok(billed, _price(rate)) if rate else None
        lines.append(
            Line(
                "one_off",
                "training",
                Notice(N_("training")),
                f"{tokens_said} = {billed:,} billable tokens",
                training_usd,
                rate,
                why,
            )
        )
    minimum, _ = find("minimum_job_fee")
    if minimum is not None and training_usd is not None and training_usd < _price(minimum):
        lines.append(
            Line(
                "one_off",
                "training",
                Notice(N_("minimum job fee (top-up)")),
                f"the job bills at least {minimum.price}",
                H.with_minimum(training_usd, _price(minimum)) - training_usd,
                minimum,
            )
        )

    # --- monthly: inference, hosting, dedicated serving, storage ------------------------------------------
    if input_tokens or output_tokens:
        rate, why = find("inference", model=m.id, deployment=deployment)
        usd = None
        if rate is not None:
            usd = token_cost(input_tokens, rate.input or Decimal(0)) + token_cost(
                output_tokens, rate.output or Decimal(0)
            )
        lines.append(
            Line(
                "monthly",
                "inference",
                Notice(N_("inference tokens")),
                f"{input_tokens:,} input + {output_tokens:,} output tokens",
                usd,
                rate,
                why,
            )
        )
    hosting = [r for r in p.rates_on(as_of, "hosting_hour", model=m.id) if r.entry.deployment == deployment]
    if "hosting_hour" in team or hosting:
        rate = team.get("hosting_hour") or hosting[0]
        lines.append(
            Line(
                "monthly",
                "hosting",
                Notice(N_("hosting ({deployment})"), deployment=deployment),
                f"{deployments} deployment{'s' if deployments != 1 else ''} × {hours} h ({month_said})",
                H.hosting_per_month(_price(rate), deployments, hours),
                rate,
            )
        )
    elif p.rates_on(as_of, "hosting_hour", model=m.id) and deployment != "provisioned":
        notes.append(
            Notice(
                N_("A {deployment} deployment has no hourly hosting fee at {provider}."),
                deployment=deployment,
                provider=p.info.name,
            )
        )
    if deployment == "dedicated":
        rate, why = _gpu_rate(p, as_of, gpu, team, serving=True)
        usd = H.serving_per_month(_price(rate), deployments, gpus_per_replica, hours) if rate else None
        lines.append(
            Line(
                "monthly",
                "serving",
                Notice(N_("dedicated serving ({gpu})"), gpu=gpu),
                f"{deployments} replica{'s' if deployments != 1 else ''} × {gpus_per_replica} GPU × {hours} h "
                f"({month_said}), billed even when idle",
                usd,
                rate,
                why,
            )
        )
    storage, _ = find("storage_month")
    if storage is not None:
        lines.append(
            Line(
                "monthly",
                "storage",
                Notice(N_("model storage")),
                "1 custom model",
                H.storage_per_month(_price(storage), 1),
                storage,
            )
        )

    for ln in lines:
        # A row's note is the price table's (or the scenario's) own words about its source: a translation shows it
        # as a quotation in English, so that what the source said is never paraphrased.
        if isinstance(ln.rate, TeamRate):
            notes.append(
                Notice(
                    N_("{line}: the team's figure ({note}), not a published price."), line=ln.label, note=ln.rate.note
                )
                if ln.rate.note
                else Notice(N_("{line}: the team's figure (negotiated rate), not a published price."), line=ln.label)
            )
        elif ln.rate is not None and not ln.rate.verified:
            notes.append(
                Notice(N_("{line}: unverified rate — {note}"), line=ln.label, note=ln.rate.entry.note)
                if ln.rate.entry.note
                else Notice(N_("{line}: unverified rate — secondary sources only"), line=ln.label)
            )
    return ProviderQuote(p.id, p.info.name, m.id, as_of, month, tuple(lines), tuple(dict.fromkeys(notes)))


def _gpu_rate(p: Provider, as_of: dt.date, gpu: str, team: dict, serving: bool = False):
    """The GPU-hour rate: the team's, else the highest list price in force for that GPU (a planner's bound
    when several vendors rent it; name a cheaper one with a team rate)."""
    if "gpu_hour" in team:
        return team["gpu_hour"], ""
    rows = p.rates_on(as_of, "gpu_hour", gpu=gpu, deployment="dedicated" if serving else None)
    rows = [r for r in rows if r.entry.gpu == gpu]
    if not rows:
        return None, f"{p.info.name} lists no {gpu} GPU-hour rate in force on {as_of}."
    return max(rows, key=_price), ""


def _price(rate) -> Decimal:
    """The single price of a non-inference rate (the schema requires it; a TeamRate is checked on parsing)."""
    if rate.price is None:
        raise NotOfferedError(f"the {rate.kind} rate has no price")
    return rate.price
