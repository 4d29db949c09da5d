"""Golden cases worked by hand from the rule texts (FX fixed in conftest: EUR 8, USD 7, GBP 9, AUD 4.5 CNY).

Declared values are given explicitly and line haul is set to 0 (``line_haul_cny=0``) unless
the case is about logistics, so each expected figure is a one-line computation.
"""

from __future__ import annotations

import pytest

from qiankua.costing import decode_flags

A = pytest.approx

# silver jewellery: not food, so the standard VAT rate applies everywhere
SILVER = dict(hs6="711311", category="silver_jewellery", line_haul_cny=0.0)
TEA = dict(hs6="090210", category="tea", line_haul_cny=0.0)
# 0.5 l of 53% baijiu (Moutai-type): 0.265 l of pure alcohol
BAIJIU = dict(hs6="220890", category="baijiu", abv_pct=53.0, liquid_l=0.5, line_haul_cny=0.0)


def test_eu_under_150_before_july_2026_is_duty_free_and_vat_via_ioss(quote):
    """EUR 100 tea to DE on 2026-06-30: duty relief, 7% VAT collected by the platform at checkout."""
    r = quote(
        market="DE", mode="9610", service="postal", date="2026-06-30", declared_value=100.0, value_currency="EUR", **TEA
    )
    assert r["duty"] == 0
    assert r["import_vat"] == A(100 * 8 * 0.07)
    assert r["collector"] == 1  # platform (IOSS)


def test_eu_under_150_from_july_2026_pays_flat_eur_3(quote):
    """Same parcel on 2026-07-01: flat EUR 3 duty per item line = CNY 24; VAT unchanged."""
    r = quote(
        market="DE", mode="9610", service="postal", date="2026-07-01", declared_value=100.0, value_currency="EUR", **TEA
    )
    assert r["duty"] == A(24.0)
    assert r["import_vat"] == A(56.0)
    r2 = quote(
        market="DE",
        mode="9610",
        service="postal",
        date="2026-07-01",
        declared_value=30.0,
        value_currency="EUR",
        quantity=4,
        **TEA,
    )
    assert r2["duty"] == A(6.0)  # EUR 3 per consignment line (EUR 120 in all), spread over 4 units


def test_eu_over_150_pays_tariff_and_border_vat(quote):
    """EUR 200 tea: MFN 3.2% on CIF (TARIC rate read from a third-party copy: likely), VAT 7% on CIF + duty at
    the border."""
    r = quote(
        market="DE", mode="9610", service="postal", date="2026-08-01", declared_value=200.0, value_currency="EUR", **TEA
    )
    assert r["duty"] == A(1600 * 0.032)
    assert r["import_vat"] == A((1600 + 51.2) * 0.07)
    assert r["collector"] == 0
    assert r["confidence"] == 1  # likely: no rule behind this quote is unconfirmed


def test_uk_at_gbp_100_and_200(quote):
    """GBP 100: no duty, 20% supply VAT by the marketplace; GBP 200: UK Global Tariff 2% on silver jewellery and
    border VAT on value + duty."""
    low = quote(
        market="GB",
        mode="9610",
        service="express",
        date="2026-08-01",
        declared_value=100.0,
        value_currency="GBP",
        **SILVER,
    )
    assert low["duty"] == 0 and low["import_vat"] == A(900 * 0.2) and low["collector"] == 1
    high = quote(
        market="GB",
        mode="9610",
        service="express",
        date="2026-08-01",
        declared_value=200.0,
        value_currency="GBP",
        **SILVER,
    )
    assert high["collector"] == 0
    assert high["duty"] == A(1800 * 0.02)
    assert high["import_vat"] == A((1800 + 36) * 0.2)
    assert "tariff_rate_missing" not in decode_flags(high["flags"])


def test_a_tariff_line_not_on_file_is_flagged_never_a_silent_zero(quote):
    """GBP 200 of preserved fruit to GB: no UK rate is on file for 2006.00, so duty counts as 0 and the quote is
    flagged incomplete."""
    r = quote(
        market="GB",
        mode="9610",
        service="express",
        date="2026-08-01",
        declared_value=200.0,
        value_currency="GBP",
        hs6="200600",
        category="fruit_processed",
        line_haul_cny=0.0,
    )
    assert r["duty"] == 0
    assert "tariff_rate_missing" in decode_flags(r["flags"])
    assert r["status"] == 1 and r["confidence"] == 2


def test_australia_at_aud_500_and_1500(quote):
    """AUD 500: GST 10% by the platform, no duty; AUD 1,500: border GST on FOB + duty."""
    low = quote(
        market="AU",
        mode="9610",
        service="express",
        date="2026-08-01",
        declared_value=500.0,
        value_currency="AUD",
        **SILVER,
    )
    assert low["duty"] == 0 and low["import_vat"] == A(2250 * 0.1) and low["collector"] == 1
    high = quote(
        market="AU",
        mode="9610",
        service="express",
        date="2026-08-01",
        declared_value=1500.0,
        value_currency="AUD",
        **SILVER,
    )
    assert high["collector"] == 0
    assert high["import_vat"] == A((6750 + high["duty"]) * 0.1)


def test_us_parcel_before_and_after_section_122(quote):
    """USD 100 silver by express: 5% MFN + 7.5% s301 + 10% + 10% IEEPA before 2026-02-24; 5 + 7.5 + 10% s122 after."""
    before = quote(
        market="US",
        mode="9610",
        service="express",
        date="2026-01-15",
        declared_value=100.0,
        value_currency="USD",
        **SILVER,
    )
    assert before["duty"] == A(700 * 0.325)
    after = quote(
        market="US",
        mode="9610",
        service="express",
        date="2026-03-01",
        declared_value=100.0,
        value_currency="USD",
        **SILVER,
    )
    assert after["duty"] == A(700 * 0.225)
    assert after["import_vat"] == 0
    postal = quote(
        market="US",
        mode="9610",
        service="postal",
        date="2026-03-01",
        declared_value=100.0,
        value_currency="USD",
        **SILVER,
    )
    assert postal["duty"] == A(70.0)  # postal duty = the Section 122 rate


def test_us_de_minimis_ended_for_china_on_2025_05_02(quote):
    """USD 100 on 2025-04-01: under the USD 800 de minimis, no duty. Goods from China lost it on 2025-05-02
    (EO 14256), four months before the global suspension (2025-08-29): on 2025-06-01 the duty is due."""
    kw = dict(market="US", mode="9610", service="express", declared_value=100.0, value_currency="USD", **SILVER)
    assert quote(date="2025-04-01", **kw)["duty"] == 0
    assert quote(date="2025-06-01", **kw)["duty"] > 0


def test_indonesia_at_usd_2_and_50(quote):
    """USD 2: duty exempt, VAT 11% still due; USD 50: flat 7.5% duty + 11% VAT on CIF + duty."""
    low = quote(
        market="ID", mode="9610", service="postal", date="2026-08-01", declared_value=2.0, value_currency="USD", **TEA
    )
    assert low["duty"] == 0 and low["import_vat"] == A(14 * 0.11)
    high = quote(
        market="ID", mode="9610", service="postal", date="2026-08-01", declared_value=50.0, value_currency="USD", **TEA
    )
    assert high["duty"] == A(350 * 0.075)
    assert high["import_vat"] == A((350 + 26.25) * 0.11)


def test_mexico_courier_global_rate(quote):
    """USD 100 by courier: 33.5% global rate covering duty and taxes; no separate VAT."""
    r = quote(
        market="MX",
        mode="9610",
        service="express",
        date="2026-08-01",
        declared_value=100.0,
        value_currency="USD",
        **SILVER,
    )
    assert r["duty"] == A(700 * 0.335)
    assert r["import_vat"] == 0


def test_alcohol_is_excluded_from_ioss(quote):
    """EUR 50 baijiu (0.5 l, 53%) to DE: no IOSS, border VAT 19% on CIF + duty + excise EUR 13.03/l pure alcohol;
    the EU duty on CN 2208 90 56 is free (zero-for-zero on spirits since 2000)."""
    r = quote(
        market="DE",
        mode="9610",
        service="postal",
        date="2026-08-01",
        declared_value=50.0,
        value_currency="EUR",
        **BAIJIU,
    )
    excise = 13.03 * 0.5 * 0.53 * 8
    assert r["collector"] == 0
    assert r["excise"] == A(excise)
    assert r["import_vat"] == A((400 + r["duty"] + excise) * 0.19)
    assert r["duty"] == 0 and "tariff_rate_missing" not in decode_flags(r["flags"])


def test_uk_spirits_duty_applies_from_its_valid_from_date(quote):
    """0.5 l baijiu at 53% to GB: GBP 32.79 per litre of pure alcohol from 2025-02-01; before that no rate is on
    file, so the quote is flagged incomplete rather than charging a rate from another period; from 2026-02-01 the
    uprated GBP 33.99 applies (its own dated row)."""
    kw = dict(market="GB", mode="9610", service="express", declared_value=60.0, value_currency="GBP", **BAIJIU)
    r = quote(date="2025-08-01", **kw)
    assert r["excise"] == A(32.79 * 0.5 * 0.53 * 9)
    assert "excise_missing" not in decode_flags(r["flags"])
    later = quote(date="2026-08-01", **kw)
    assert later["excise"] == A(33.99 * 0.5 * 0.53 * 9)
    assert later["excise_rule"] != r["excise_rule"] >= 0  # another row: the 2026 rate, not the 2025 one
    before = quote(date="2025-01-31", **kw)
    assert before["excise"] == 0
    assert "excise_missing" in decode_flags(before["flags"])
    assert before["status"] == 1


def test_australian_spirits_excise_follows_the_indexation_dates(quote):
    """0.5 l baijiu at 53% to AU: AUD 104.31 per litre of alcohol to 3 Aug 2025, 105.98 from 4 Aug 2025, and from
    2 Feb 2026 the computed 107.99 (indexation factor applied by qiankua), which makes the quote unconfirmed."""
    kw = dict(market="AU", mode="9610", service="express", declared_value=1500.0, value_currency="AUD", **BAIJIU)
    lal = 0.5 * 0.53
    assert quote(date="2025-08-03", **kw)["excise"] == A(104.31 * lal * 4.5)
    assert quote(date="2025-08-04", **kw)["excise"] == A(105.98 * lal * 4.5)
    late = quote(date="2026-08-01", **kw)
    assert late["excise"] == A(107.99 * lal * 4.5)
    assert late["confidence"] == 2
    assert "excise_missing" not in decode_flags(late["flags"])
    assert "excise_missing" in decode_flags(quote(date="2025-02-02", **kw)["flags"])


def test_japan_liquor_tax_per_degree(quote):
    """0.5 l baijiu at 53% to JP: JPY 10 per litre per degree = JPY 1,000 per litre of pure alcohol (JPY 265)."""
    r = quote(
        market="JP",
        mode="9610",
        service="express",
        date="2026-08-01",
        declared_value=20000.0,
        value_currency="JPY",
        **BAIJIU,
    )
    assert r["excise"] == A(530 * 0.5 * 0.05)
    assert "excise_missing" not in decode_flags(r["flags"])


def test_preference_only_with_certificate_of_origin(quote):
    """ChAFTA 0% applies to 9710 (B2B, certificate of origin), not to a 9610 parcel."""
    b2b = quote(
        market="AU",
        mode="9710",
        service="air",
        date="2026-08-01",
        declared_value=1500.0,
        value_currency="AUD",
        platform="b2b",
        **BAIJIU,
    )
    parcel = quote(
        market="AU",
        mode="9610",
        service="express",
        date="2026-08-01",
        declared_value=1500.0,
        value_currency="AUD",
        **BAIJIU,
    )
    assert b2b["duty"] == 0
    assert parcel["duty"] == A(6750 * 0.05)  # AU MFN 5% (unconfirmed estimate)


def test_export_rebate_by_mode(quote):
    """Tea CNY 109 incl. 9% VAT: 9710 with invoices refunds 100 x 9% = 9; 9610 in a pilot zone without invoices: 0."""
    b2b = quote(market="DE", mode="9710", service="air", date="2026-08-01", unit_cost_cny=109.0, platform="b2b", **TEA)
    assert b2b["export_rebate"] == A(9.0)
    parcel = quote(market="DE", mode="9610", service="postal", date="2026-08-01", unit_cost_cny=109.0, **TEA)
    assert parcel["export_rebate"] == 0
    assert "no_invoice_exemption" in decode_flags(parcel["flags"])


def test_baijiu_consumption_tax_refund(quote):
    """Baijiu CNY 113 incl. 13% VAT, 0.5 kg net: 100 x (13% + 20%) + CNY 1/kg x 0.5 = 33.5."""
    r = quote(
        market="DE",
        mode="0110",
        service="air",
        date="2026-08-01",
        unit_cost_cny=113.0,
        platform="b2b",
        net_kg=0.5,
        **BAIJIU,
    )
    assert r["export_rebate"] == A(33.5)


def test_fallback_logistics_uses_chargeable_weight(quote):
    """Postal to DE: CNY 80/kg + 20/item on max(0.5 kg, 30x20x10 cm / 8000 = 0.75 kg) = 80."""
    r = quote(
        market="DE",
        mode="9610",
        service="postal",
        date="2026-08-01",
        declared_value=10.0,
        value_currency="EUR",
        hs6="090210",
        category="tea",
        volume_cm3=6000.0,
    )
    assert r["chargeable_kg"] == A(0.75)
    assert r["line_haul"] == A(80.0)


def test_routing_columns_override_the_fallback(quote):
    """first_mile/line_haul/last_mile columns win over the rate table."""
    r = quote(
        market="DE",
        mode="9810",
        service="sea-fcl",
        date="2026-08-01",
        unit_cost_cny=100.0,
        platform="amazon",
        hs6="090210",
        category="tea",
        first_mile_cny=1.0,
        line_haul_cny=2.0,
        last_mile_cny=3.0,
    )
    assert (r["first_mile"], r["line_haul"], r["last_mile"]) == (1.0, 2.0, 3.0)
    assert r["logistics_rule"] == -1


def test_amazon_grocery_tier_switches_above_usd_15(quote):
    """Amazon US grocery: 8% of USD 15, 15% of USD 16 (whole-price tier)."""
    a = quote(
        market="US",
        mode="9810",
        service="air",
        date="2026-08-01",
        unit_cost_cny=10.0,
        platform="amazon",
        price=15.0,
        line_haul_cny=0.0,
        last_mile_cny=0.0,
        hs6="090210",
        category="tea",
    )
    b = quote(
        market="US",
        mode="9810",
        service="air",
        date="2026-08-01",
        unit_cost_cny=10.0,
        platform="amazon",
        price=16.0,
        line_haul_cny=0.0,
        last_mile_cny=0.0,
        hs6="090210",
        category="tea",
    )
    assert a["commission"] == A(15 * 0.08 * 7)
    assert b["commission"] == A(16 * 0.15 * 7)


def test_no_rule_says_so(quote):
    """Viet Nam before 2025-02-18 has no low-value regime on file: status no_rule with the reason, not zero tax."""
    r = quote(
        market="VN", mode="9610", service="postal", date="2024-06-01", declared_value=10.0, value_currency="USD", **TEA
    )
    assert r["status"] == 2 and r["reason"] == 1
    r = quote(
        market="QA", mode="9610", service="postal", date="2026-08-01", declared_value=10.0, value_currency="USD", **TEA
    )
    assert r["status"] == 2


def test_specific_duty_per_kg_and_no_rate_is_not_missing(quote):
    """Dried chilli to the US (HTS 0904.21.60: 2.5 US cents per kg, no ad valorem part; exempt from the 2026
    Section 301 forced-labour duty): 0.5 kg net pays USD 0.0125 = CNY 0.0875, and the quote is not flagged as
    missing a rate just because the rate is specific."""
    r = quote(
        market="US",
        mode="9610",
        service="postal",
        date="2026-08-01",
        declared_value=20.0,
        value_currency="USD",
        hs6="090421",
        category="condiment",
        net_kg=0.5,
        gross_kg=0.55,
        line_haul_cny=0.0,
    )
    assert r["duty"] == A(0.025 * 0.5 * 7)
    assert "tariff_rate_missing" not in decode_flags(r["flags"])


def test_brazil_simplified_postal_regime_stands_in_for_ipi(quote):
    """Remessa Conforme parcels are exempt from IPI (Decreto-Lei 1.804/1980 art. 1 §1): no excise and nothing
    missing on a 9610 parcel of baijiu; a formal B2B import (9710) pays IPI 19.5% on value + duty."""
    parcel = quote(
        market="BR",
        mode="9610",
        service="postal",
        date="2026-08-01",
        declared_value=40.0,
        value_currency="USD",
        **BAIJIU,
    )
    assert parcel["excise"] == 0 and "excise_missing" not in decode_flags(parcel["flags"])
    b2b = quote(
        market="BR",
        mode="9710",
        service="sea-lcl",
        date="2026-08-01",
        declared_value=40.0,
        value_currency="USD",
        **BAIJIU,
    )
    assert b2b["excise"] == A(0.195 * (b2b["customs_value"] + b2b["duty"]))
