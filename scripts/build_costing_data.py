"""Builder for the costing reference CSVs from ../shared/research (rerun: python scripts/build_costing_data.py).

Rewrites the nine costing tables and appends their missing provenance rows (never rewrites provenance.csv).
"""
import csv, re
from pathlib import Path
ROOT = Path(__file__).resolve().parents[1]
D = ROOT / "src/qiankua/reference/data"
R = ROOT.parent / "shared/research"  # the shared research notes beside the repo

def write(name, header, rows):
    with open(D / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n"); w.writerow(header)
        for r in rows: w.writerow(["" if v is None else v for v in r])

# ------------------------------------------------------------------ tax_regimes
H = ["regime_id","regime","channel","valid_from","valid_to","threshold_currency","duty_de_minimis","vat_de_minimis",
     "lvg_ceiling","lvg_excise_excluded","above_collector","valuation","flat_rate","flat_floor","flat_ceiling",
     "flat_rate_high","flat_high_ceiling","flat_high_deduction","flat_on_excess","flat_min_per_kg","flat_covers_vat",
     "per_item_duty","handling_fee","vat_gross_up","source_id","confidence","notes"]
def rg(rid, regime, vf, vt, ccy, **k):
    row = dict(regime_id=rid, regime=regime, channel=k.pop("channel","any"), valid_from=vf, valid_to=vt,
               threshold_currency=ccy, lvg_excise_excluded="false", above_collector="border", valuation="cif",
               flat_on_excess="false", flat_covers_vat="false", vat_gross_up="false")
    row.update(k); return [row.get(h) for h in H]
regimes = [
 rg("EU-2021-relief","EU","2021-07-01","2026-07-01","EUR",duty_de_minimis=150,vat_de_minimis=0,lvg_ceiling=150,lvg_excise_excluded="true",
    source_id="research-tax-customs-2026;vatupdate-eu-3eur-2025",confidence="confirmed",
    notes="EUR 150 duty relief on intrinsic value; EUR 22 VAT exemption abolished 2021-07-01; IOSS (seller or marketplace) collects destination VAT at checkout for non-excise consignments <= EUR 150; excise goods excluded; otherwise carrier collects at import"),
 rg("EU-2026-3eur","EU","2026-07-01","","EUR",duty_de_minimis=150,vat_de_minimis=0,lvg_ceiling=150,lvg_excise_excluded="true",per_item_duty=3,
    source_id="research-tax-customs-2026;vatupdate-eu-3eur-2025",confidence="confirmed",
    notes="flat EUR 3 customs duty per item (per distinct tariff line) on consignments <= EUR 150 in place of the duty relief; temporary until the EUR 150 exemption is abolished (~2028). The planned ~EUR 2 handling fee is not modelled (date unconfirmed)"),
 rg("US-800","US","2016-03-10","2025-08-29","USD",duty_de_minimis=800,vat_de_minimis=0,valuation="fob",
    source_id="research-tax-customs-2026",confidence="likely",
    notes="19 USC 1321 USD 800 de minimis (start date 2016-03-10 from TFTEA, not in the research note). No federal VAT; state sales tax not modelled"),
 rg("US-none","US","2025-08-29","","USD",duty_de_minimis=0,vat_de_minimis=0,valuation="fob",
    source_id="research-tax-customs-2026;govinfo-cdoc-119hdoc85",confidence="confirmed",
    notes="de minimis suspended for all origins from 2025-08-29; duty on every parcel (MFN + Section 301 + IEEPA / Section 122 layers by date). No federal VAT; state sales tax not modelled"),
 rg("US-postal-122","US","2026-02-24","2026-07-24","USD",channel="postal",duty_de_minimis=0,vat_de_minimis=0,valuation="fob",flat_rate=0.10,
    source_id="research-tax-customs-2026;thompsonhine-s122-2026",confidence="likely",
    notes="postal parcels pay a duty equal to the Section 122 rate (10%), collected by the carrier; replaces the tariff stack for postal items"),
 rg("GB-135","GB","2021-01-01","","GBP",duty_de_minimis=135,vat_de_minimis=0,lvg_ceiling=135,lvg_excise_excluded="true",
    source_id="research-tax-customs-2026;crowe-uk-low-value",confidence="confirmed",
    notes="GBP 135 duty relief (abolition announced 2025-11-26, by March 2029, date unconfirmed); supply VAT charged by marketplace or registered seller on consignments <= GBP 135; above: import VAT at border; excise goods excluded"),
 rg("JP-10000","JP","","2028-04-01","JPY",duty_de_minimis=10000,vat_de_minimis=10000,
    source_id="research-tax-customs-2026;skadvisory-jp-2026",confidence="likely",
    notes="duty and JCT exempt at or below JPY 10,000 taxable value; personal-use 60% valuation rule not modelled"),
 rg("JP-2028","JP","2028-04-01","","JPY",duty_de_minimis=10000,vat_de_minimis=0,
    source_id="research-tax-customs-2026;skadvisory-jp-2026",confidence="likely",
    notes="FY2026 reform: JCT exemption for <= JPY 10,000 mail-order imports ends 2028-04-01; duty relief assumed to remain (unconfirmed); platform JCT liability (> JPY 5bn) not modelled"),
 rg("KR-150","KR","","","USD",duty_de_minimis=150,vat_de_minimis=150,
    source_id="research-tax-customs-2026;krutils-kr-customs-2026",confidence="likely",
    notes="USD 150 per shipment for personal use (USD 200 for US origin); over the threshold the whole value is taxed; food/cosmetics need general clearance"),
 rg("AU-LVG","AU","2018-07-01","","AUD",duty_de_minimis=1000,vat_de_minimis=0,lvg_ceiling=1000,lvg_excise_excluded="true",valuation="fob",
    source_id="research-tax-customs-2026;easyfreight-au-lvg",confidence="confirmed",
    notes="no duty at or below AUD 1,000; 10% GST on low-value goods collected by vendor or platform; alcohol and tobacco taxed at the border regardless of value"),
 rg("NZ-LVG","NZ","2019-12-01","","NZD",duty_de_minimis=1000,vat_de_minimis=0,lvg_ceiling=1000,lvg_excise_excluded="true",valuation="fob",
    source_id="research-tax-customs-2026;ird-nz-lvg",confidence="confirmed",
    notes="tariff removed at or below NZD 1,000; 15% GST at sale by supplier or marketplace; alcohol and tobacco at the border"),
 rg("CA-20","CA","2020-07-01","","CAD",duty_de_minimis=20,vat_de_minimis=20,valuation="fob",
    source_id="research-tax-customs-2026;cbsa-lvs",confidence="confirmed",
    notes="CAD 20 courier/post threshold for non-US/MX origin; GST 5% only (provincial PST/HST not modelled)"),
 rg("CA-20-post","CA","2020-07-01","","CAD",channel="postal",duty_de_minimis=20,vat_de_minimis=20,valuation="fob",handling_fee=9.95,
    source_id="research-tax-customs-2026;cbsa-lvs",confidence="likely",
    notes="Canada Post handling fee ~CAD 9.95 on dutiable postal items (charged when duty or tax is collected)"),
 rg("SG-OVR","SG","2023-01-01","","SGD",duty_de_minimis=0,vat_de_minimis=0,lvg_ceiling=400,
    source_id="research-tax-customs-2026;iras-lvg",confidence="confirmed",
    notes="no general tariffs (duty on liquor/tobacco/motor vehicles/petroleum); GST on B2C low-value goods <= SGD 400 by air/post charged by OVR vendor or marketplace; above: import GST at border"),
 rg("MY-LVG","MY","2024-01-01","","MYR",duty_de_minimis=500,vat_de_minimis=0,lvg_ceiling=500,lvg_excise_excluded="true",
    source_id="research-tax-customs-2026;skrine-my-lvg",confidence="confirmed",
    notes="RM 500 duty relief (air courier/post, CIF; relief likely); 10% LVG sales tax on sale price <= RM 500 collected by registered seller or platform; alcohol/tobacco excluded"),
 rg("TH-2026","TH","2026-01-01","","THB",duty_de_minimis=0,vat_de_minimis=0,above_collector="platform",
    source_id="research-tax-customs-2026;nation-th-2026",confidence="confirmed",
    notes="no de minimis from 2026-01-01: duty + 7% VAT from THB 1, collected at platform checkout (Shopee, Lazada, TikTok Shop, Temu, Shein MoUs); earlier rules not on file"),
 rg("VN-2025","VN","2025-02-18","","VND",duty_de_minimis=0,vat_de_minimis=0,
    source_id="research-tax-customs-2026;vneconomy-vn-2025",confidence="confirmed",
    notes="VND 1m express exemption repealed (Decision 01/2025/QD-TTg); duty + VAT on all values; earlier rules not on file"),
 rg("ID-3","ID","2023-10-17","","USD",duty_de_minimis=3,vat_de_minimis=0,flat_rate=0.075,flat_floor=3,flat_ceiling=1500,
    source_id="research-tax-customs-2026;posindonesia-import",confidence="confirmed",
    notes="FOB USD 3: below duty exempt, VAT still due; USD 3-1,500: flat 7.5% duty + VAT 11% effective; MFN-list goods (textiles, bags, shoes ...) pay full MFN + income tax (not modelled, flagged)"),
 rg("PH-10000","PH","2016-10-25","","PHP",duty_de_minimis=10000,vat_de_minimis=10000,
    source_id="research-tax-customs-2026;importtaxph",confidence="likely",
    notes="PHP 10,000 FOB duty and VAT exempt; above: duty + 12% VAT on CIF; DOF reviewing the threshold (2025); alcohol/tobacco always taxed (not modelled)"),
 rg("LA-50","LA","2016-08-30","","USD",duty_de_minimis=50,vat_de_minimis=50,
    source_id="research-tax-customs-2026",confidence="unconfirmed",
    notes="2016 MoF order: personal imports above USD 50 taxed; treated as duty + 10% VAT on CIF above USD 50"),
 rg("KH-none","KH","","","USD",duty_de_minimis=0,vat_de_minimis=0,
    source_id="research-tax-customs-2026",confidence="unconfirmed",
    notes="no threshold found; treated as duty + 10% VAT on CIF"),
 rg("MM-none","MM","","","USD",duty_de_minimis=0,vat_de_minimis=0,
    source_id="research-tax-customs-2026",confidence="unconfirmed",
    notes="no threshold found; treated as duty + 5% commercial tax on CIF"),
 rg("SA-1000","SA","","","SAR",duty_de_minimis=1000,vat_de_minimis=0,
    source_id="research-tax-customs-2026;saudi-expatriates-zatca",confidence="likely",
    notes="SAR 1,000 personal shipment (goods + freight) duty exempt; 15% VAT on all imports; in force at least since 2021-09"),
 rg("AE-1000","AE","2023-03-01","","AED",duty_de_minimis=1000,vat_de_minimis=0,
    source_id="research-tax-customs-2026;hidubai-ae",confidence="likely",
    notes="AED 1,000 duty de minimis (Dubai AED 300 Jan-Feb 2023 reverted 2023-03-01); 5% VAT on non-document imports; 5% GCC duty above"),
 rg("EAEU-2020","EAEU","2020-01-01","2026-07-01","EUR",duty_de_minimis=200,vat_de_minimis=200,flat_rate=0.15,flat_floor=200,flat_on_excess="true",flat_min_per_kg=2,flat_covers_vat="true",
    source_id="research-tax-customs-2026;craneip-eaeu-2020",confidence="likely",
    notes="EUR 200 / 31 kg per parcel; 15% unified payment on the excess (min EUR 2/kg) in place of duty and VAT"),
 rg("EAEU-2026","EAEU","2026-07-01","","EUR",duty_de_minimis=200,vat_de_minimis=200,flat_rate=0.05,flat_floor=200,flat_min_per_kg=1,
    source_id="research-tax-customs-2026;deliver2-eaeu-2026",confidence="likely",
    notes="EUR 200 per order from foreign marketplaces; above: 5% of the whole value (min EUR 1/kg) + VAT at the national rate (RU 22%); platform VAT withholding from 2027 not modelled"),
 rg("BR-RC","BR","2024-08-01","","USD",duty_de_minimis=0,vat_de_minimis=0,flat_rate=0.20,flat_floor=0,flat_ceiling=50,flat_rate_high=0.60,flat_high_ceiling=3000,flat_high_deduction=20,above_collector="platform",vat_gross_up="true",
    source_id="research-tax-customs-2026;dhl-brazil-value-basis",confidence="confirmed",
    notes="Remessa Conforme (certified platforms): 20% federal import tax up to USD 50; 60% minus USD 20 for USD 50.01-3,000; ICMS 17% (calculated 'por dentro') collected by the platform at checkout; non-certified platforms not modelled"),
 rg("MX-2025-19","MX","2025-01-01","2025-08-15","USD",duty_de_minimis=0,vat_de_minimis=0,flat_rate=0.19,flat_floor=0,flat_ceiling=2500,flat_covers_vat="true",
    source_id="research-tax-customs-2026;vatabout-mx-courier",confidence="likely",
    notes="courier simplified regime, non-FTA origin: 19% global rate Jan-Aug 2025 (covers duty and taxes)"),
 rg("MX-2025-335","MX","2025-08-15","","USD",duty_de_minimis=0,vat_de_minimis=0,flat_rate=0.335,flat_floor=0,flat_ceiling=2500,flat_covers_vat="true",
    source_id="research-tax-customs-2026;vatabout-mx-courier",confidence="confirmed",
    notes="courier simplified regime, non-FTA origin (incl. China): 33.5% global rate for parcels <= USD 2,500, covering duty and taxes; IVA on foreign digital platforms not modelled"),
 rg("CL-2025","CL","2025-10-25","","USD",duty_de_minimis=500,vat_de_minimis=0,lvg_ceiling=500,
    source_id="research-tax-customs-2026;carey-cl-2025",confidence="confirmed",
    notes="USD 41 VAT exemption abolished 2025-10-25; platform/remote seller charges 19% VAT at sale on <= USD 500; above USD 500: 6% duty + 19% VAT on CIF + duty"),
]
write("tax_regimes", H, regimes)

# ------------------------------------------------------------------ vat_rates
VH = ["market","valid_from","valid_to","standard_rate","food_rate","source_id","confidence","notes"]
vat = []
eu25 = dict(AT=0.20,BE=0.21,BG=0.20,HR=0.25,CY=0.19,CZ=0.21,DK=0.25,EE=0.22,FI=0.255,GR=0.24,HU=0.27,IE=0.23,LV=0.21,LT=0.21,
            LU=0.17,MT=0.18,PT=0.23,RO=0.19,SK=0.23,SI=0.22,SE=0.25)
for m,r in eu25.items():
    note = "standard rate from a 2025 EU VAT-rate table; reduced food rate not on file (standard rate used)"
    if m=="EE": note += "; Estonia planned 24% from July 2025 (not confirmed here)"
    if m=="RO": note += "; a later increase is reported elsewhere (not confirmed here)"
    vat.append([m,"","",r,"","vat-solutions-eu-2025","likely",note])
for m,s,f,c in [("DE",0.19,0.07,"confirmed"),("FR",0.20,0.055,"likely"),("IT",0.22,0.10,"likely"),("ES",0.21,0.10,"likely"),
                ("NL",0.21,0.09,"likely"),("PL",0.23,0.05,"likely")]:
    vat.append([m,"","",s,f,"research-tax-customs-2026",c,"standard and reduced food rate per research section 2"])
more = [("GB",0.20,0.0,"likely","0% for most food (confectionery, hot food 20%)"),("JP",0.10,0.08,"likely","JCT; 8% food and non-alcoholic drinks"),
        ("KR",0.10,None,"confirmed","unprocessed food exempt (not modelled)"),("AU",0.10,None,"confirmed","basic food GST-free (not modelled: standard rate used)"),
        ("NZ",0.15,None,"confirmed",""),("CA",0.05,None,"likely","GST 5% only; PST/HST not modelled; basic groceries zero-rated (not modelled)"),
        ("SG",0.09,None,"likely","9% since 2024-01-01"),("MY",0.10,None,"confirmed","sales tax / LVG 10%; many basic foods exempt (not modelled)"),
        ("TH",0.07,None,"confirmed","unprocessed food exempt (not modelled)"),("VN",0.10,None,"confirmed","8% temporary reduced rate for many goods unconfirmed; not applied"),
        ("ID",0.11,None,"likely","12% nominal, 11% effective for non-luxury goods (DPP 11/12) since 2025-01-01"),("PH",0.12,None,"confirmed",""),
        ("LA",0.10,None,"likely",""),("KH",0.10,None,"likely",""),("MM",0.05,None,"unconfirmed","commercial tax"),("SA",0.15,None,"confirmed",""),
        ("AE",0.05,None,"confirmed","food standard-rated"),("BR",0.17,None,"likely","ICMS 17% under Remessa Conforme (several states 20% in 2025, unconfirmed)"),
        ("MX",0.16,0.0,"confirmed","0% most food"),("CL",0.19,None,"confirmed",""),("US",0.0,None,"confirmed","no federal VAT; state sales tax not modelled")]
for m,s,f,c,n in more:
    vat.append([m,"","",s,f,"research-tax-customs-2026",c,n])
vat.append(["RU","2026-01-01","",0.22,0.10,"research-tax-customs-2026","confirmed","22% from 2026-01-01; 10% food; earlier rate not on file"])
write("vat_rates", VH, vat)

# ------------------------------------------------------------------ tariffs + layers
TH_ = ["area","hs_prefix","agreement","rate","specific","specific_unit","specific_currency","min_per_kg","national_line","valid_from","valid_to","source_id","confidence","notes"]
rows = list(csv.DictReader(open(R/"tax_tariffs.csv", encoding="utf-8")))
areamap = {"UK":"GB"}
CATALOGUE = ["220890","090210","090230","210390","090421","081050","081040","200989","081340","200600","190190","121299","121190",
             "711311","581099","630492","520852","920590","920290","920790","442090","460211"]
US_PICK = {"090210":"0902.10.90","090220":"0902.20.90","210390":"2103.90.90","711311":"7113.11.50","920290":"9202.90.20",
           "460211":"4602.11.45","071490":"0714.90.51","520852":"5208.52.30 / .40 / .50","200989":"2009.89.65 / .70 / .80","121190":"1211.90.40 / 1211.90.89"}
tariffs, layers = [], []
seen = set()
for r in rows:
    area = areamap.get(r["market"], r["market"]); hs = r["hs6"]; ag = r["agreement"]
    key_line = r["national_line"]
    if area == "US":
        pick = US_PICK.get(hs)
        if pick and key_line != pick: continue
        if "Section 301" in ag:
            rate = round(float(r["ad_valorem_pct"])/100, 6) if r["ad_valorem_pct"] else None
            layers.append(["US",hs,"section_301",rate,"2020-02-14" if rate in (0.075,) else "2019-05-10","",
                           "research-tax-tariffs-2026","confirmed" if r["confidence"]=="confirmed" else r["confidence"],
                           f"{ag}; line {key_line}; List 4A 7.5% since 2020-02-14 and List 3 25% since 2019-05-10 (start dates from USTR notices, not in the research CSV)"])
            continue
        if ag.startswith("Excise"): continue
    if area == "JP" and ag.startswith("RCEP"):
        agreement = "RCEP"
    elif area == "JP" and "WTO / China-RCEP" in ag:
        agreement = "MFN"
    elif area == "JP" and hs=="090230" and key_line=="0902.30.090": continue
    elif area == "JP" and hs=="210390" and key_line=="2103.90.229": continue
    else:
        agreement = "MFN"
    if (area, hs, agreement) in seen: continue
    seen.add((area, hs, agreement))
    rate = round(float(r["ad_valorem_pct"])/100, 6) if r["ad_valorem_pct"] else None
    conf = r["confidence"]; note = r["notes"]
    if rate is None:
        m = re.search(r"earlier estimate \(unverified\): ~?(\d+(?:\.\d+)?)%(?!\s*-)", note or "")
        if m and not re.search(r"\d-\d", note.split("earlier estimate")[1][:20]):
            rate = round(float(m.group(1))/100, 6); note = f"{note}; estimate used as rate (unconfirmed)"
    if area == "US" and r["rate_text"] == "Free": rate = 0.0
    spec = None; sunit = None; sccy = None; minkg = None
    if area == "EAEU" and hs == "090230": minkg = 0.5
    tariffs.append([area,hs,agreement,rate,spec,sunit,sccy,minkg,key_line,"","","research-tax-tariffs-2026",conf,
                    (r["description"] + ("; " + note if note else ""))[:400]])
areas_have = {(t[0],t[1]) for t in tariffs}
# Singapore: no general tariffs (research tax_customs.md section 1)
for hs in CATALOGUE:
    if hs != "220890":
        tariffs = [t for t in tariffs if not (t[0]=="SG" and t[1]==hs)]
        tariffs.append(["SG",hs,"MFN",0.0,None,None,None,None,"","","","research-tax-customs-2026","confirmed","Singapore levies no general customs tariff (duty only on liquor, tobacco, motor vehicles, petroleum)"])
# Chile: 6% general duty above USD 500 (research section 1)
for hs in CATALOGUE:
    tariffs = [t for t in tariffs if not (t[0]=="CL" and t[1]==hs)]
    tariffs.append(["CL",hs,"MFN",0.06,None,None,None,None,"","","","research-tax-customs-2026","likely","Chile general ad valorem duty 6% (research: above USD 500, 6% duty)"])
# GCC: 5% customs duty (research: UAE above AED 1,000)
for hs in CATALOGUE:
    if hs == "220890": continue
    tariffs = [t for t in tariffs if not (t[0]=="GCC" and t[1]==hs)]
    tariffs.append(["GCC",hs,"MFN",0.05,None,None,None,None,"","","","research-tax-customs-2026","unconfirmed","GCC common 5% customs duty (research states it for the UAE above AED 1,000); line level not read"])
# preferential: ChAFTA, CN-NZ, ACFTA
for hs in CATALOGUE:
    tariffs.append(["AU",hs,"ChAFTA",0.0,None,None,None,None,"","","","research-tax-customs-2026","likely","ChAFTA: 0% on virtually all lines by 2019; needs certificate of origin"])
    tariffs.append(["NZ",hs,"CNZFTA",0.0,None,None,None,None,"","","","research-tax-customs-2026","likely","China-NZ FTA: 0% on all lines by 2016; needs certificate of origin"])
    for a in ["SG","MY","TH","VN","ID","PH","LA","KH","MM"]:
        tariffs.append([a,hs,"ACFTA",0.0,None,None,None,None,"","","","research-tax-customs-2026","unconfirmed","ACFTA: 0% on normal-track lines; sensitive lists (tea, spirits, fruit in VN/TH/ID) not checked"])
# empty MFN rows for every catalogue line and market area so a missing rate is explicit
AREAS = ["EU","GB","US","JP","KR","AU","NZ","CA","SG","MY","TH","VN","ID","PH","LA","KH","MM","GCC","EAEU","BR","MX","CL"]
have = {(t[0],t[1],t[2]) for t in tariffs}
for a in AREAS:
    for hs in CATALOGUE:
        if (a,hs,"MFN") not in have:
            tariffs.append([a,hs,"MFN",None,None,None,None,None,"","","","research-tax-tariffs-2026","unconfirmed","rate not found at line level; duty computed as 0 and flagged"])
tariffs.sort(key=lambda t:(t[0],t[1],t[2]))
write("tariffs", TH_, tariffs)
# Section 301 rows for catalogue lines missing in the research: leave out (unknown)
LH = ["area","hs_prefix","layer","rate","valid_from","valid_to","source_id","confidence","notes"]
layers = [[l[0],l[1],l[2],l[3],l[4],l[5],l[6],l[7],l[8]] for l in layers]
# dedupe 301 by hs
d = {}
for l in layers: d.setdefault(l[1], l)
layers = list(d.values())
layers += [
 ["US","","ieepa_fentanyl",None,"2025-02-04","2025-11-10","research-tax-customs-2026","unconfirmed","IEEPA fentanyl duty on China before 2025-11-10 (10% then 20%) not modelled by date; rate left empty and flagged"],
 ["US","","ieepa_reciprocal",None,"2025-04-05","2025-11-10","research-tax-customs-2026","unconfirmed","IEEPA reciprocal duty on China before 2025-11-10 changed several times; not modelled, flagged"],
 ["US","","ieepa_fentanyl",0.10,"2025-11-10","2026-02-24","research-tax-customs-2026;joneswalker-scotus-ieepa","likely","10% fentanyl layer (example entry 2025-11-15); collection ended 2026-02-24 after Learning Resources v. Trump; start date 2025-11-10 not in the research note"],
 ["US","","ieepa_reciprocal",0.10,"2025-11-10","2026-02-24","research-tax-customs-2026;joneswalker-scotus-ieepa","likely","10% reciprocal layer (example entry 2025-11-15); collection ended 2026-02-24"],
 ["US","","section_122",0.10,"2026-02-24","2026-07-24","research-tax-customs-2026;thompsonhine-s122-2026","confirmed","Section 122 temporary surcharge 10%, HTS 9903.03.01, stacks on MFN + Section 301; 150 days"],
 ["US","","section_122_after_lapse",None,"2026-07-24","","research-tax-customs-2026","unconfirmed","status after 2026-07-24 (lapse, extension or new Section 301 actions) unknown; flagged"],
]
write("tariff_layers", LH, layers)

# ------------------------------------------------------------------ excise
EH = ["area","hs_prefix","per_lpa","ad_valorem","currency","valid_from","valid_to","source_id","confidence","notes"]
excise = [
 ["US","2208",round(13.50/1.89271,4),None,"USD","","","research-tax-tariffs-2026","unconfirmed","federal spirits excise USD 13.50 per proof gallon (26 USC 5001) = USD 7.1326 per litre of pure alcohol; CBMA lower tiers not modelled; not re-read"],
 ["DE","2208",13.03,None,"EUR","","","research-tax-customs-2026","unconfirmed","German spirits duty ~EUR 13 per litre pure alcohol (research: 'DE ~EUR 13/l pure alcohol'); other EU members not on file"],
 ["KR","2208",None,0.72,"KRW","","","research-tax-customs-2026","unconfirmed","liquor tax 72% (on customs value + duty); education tax on top not on file"],
 ["AU","2208",None,None,"AUD","","","research-tax-customs-2026","unconfirmed","spirits excise ~AUD 100+/l alcohol, indexed twice a year; rate not read (flagged)"],
 ["JP","2208",None,None,"JPY","","","research-tax-tariffs-2026","unconfirmed","liquor tax on top of duty not read (flagged)"],
 ["GB","2208",None,None,"GBP","","","research-tax-tariffs-2026","unconfirmed","UK spirits duty per litre of pure alcohol not read (flagged)"],
 ["CA","2208",None,None,"CAD","","","research-tax-tariffs-2026","unconfirmed","excise-equivalent duty on spirits not read (flagged)"],
]
write("excise", EH, excise)

# ------------------------------------------------------------------ export rebates
XH = ["hs_prefix","cn_vat_rate","rebate_rate","ct_rate","ct_per_kg","valid_from","valid_to","source_id","confidence","notes"]
xr = [
 ["0902",0.09,0.09,None,None,"","","research-tax-customs-2026","confirmed","green/black tea 0902109000 / 0902309000: VAT 9%, rebate 9%"],
 ["2208",0.13,0.13,0.20,1.0,"","","research-tax-customs-2026","likely","spirits: VAT 13% rebate 13%; consumption tax 20% ad valorem + CNY 0.5 per 500 g refunded to traders on export (baijiu line itself unconfirmed)"],
 ["2103",0.13,0.13,None,None,"","","research-tax-customs-2026","likely","2103909000 sauces 13%"],
 ["0810",0.09,0.09,None,None,"","","research-tax-customs-2026","unconfirmed","fresh fruit lines generally 9%"],
 ["0714",0.09,0.09,None,None,"","","research-tax-customs-2026","likely","konjac 9%"],
 ["1212",0.09,0.09,None,None,"","","research-tax-customs-2026","likely","1212999990 = 9%"],
 ["2009",0.13,0.13,None,None,"","","research-tax-customs-2026","unconfirmed","fruit juice 13% (some 2009 lines blank - verify)"],
 ["7113",0.13,0.13,None,None,"","","research-tax-customs-2026","likely","silver jewellery 7113111000 13%"],
 ["5810",0.13,0.13,None,None,"","","research-tax-customs-2026","unconfirmed","embroidery; textile lines generally 13%"],
 ["5208",0.13,0.13,None,None,"","","research-tax-customs-2026","unconfirmed","printed cotton fabric 13%"],
 ["4602",0.13,0.13,None,None,"","","research-tax-customs-2026","unconfirmed","bamboo basketwork 13% (some vegetable-material lines 9%)"],
]
write("export_rebates", XH, xr)

MH = ["mode","carries_origin_certificate","invoices_default","rebate","pilot_zone_exemption","pre_rebate","source_id","confidence","notes"]
modes = [
 ["9610","false","false","refund_with_invoices","true","false","research-tax-customs-2026;caishui-2018-103","confirmed",
  "B2C parcels; preferential origin usually not claimable; with VAT invoices: rebate (Caishui [2013] 96); without invoices in a CBEC comprehensive pilot zone (e.g. Guiyang, 3rd batch 2018): VAT/CT exemption, no refund (Caishui [2018] 103)"],
 ["9710","true","true","refund_with_invoices","false","false","research-tax-customs-2026","likely","B2B direct export; same rebate regime as general trade"],
 ["9810","true","true","refund_with_invoices","false","true","research-tax-customs-2026;sat-2025-3","likely","overseas warehouse; pre-rebate once goods leave China from 2025-01-27 (SAT Announcement 2025 No.3)"],
 ["0110","true","true","refund_with_invoices","false","false","research-tax-customs-2026","likely","general trade"],
]
write("export_modes", MH, modes)

# ------------------------------------------------------------------ channel fees
FH = ["platform","market_scope","category_group","valid_from","valid_to","tier_limit","rate_below","rate_above","tier_mode","min_fee","fee_currency",
      "payment_rate","returns_rate","source_id","confidence","notes"]
US = "US"; EU = "EU"; SEA4 = "SG;MY;TH;VN"; SEA = "SG;MY;TH;VN;PH;ID"
fees = [
 ["amazon",US,"grocery","","",15,0.08,0.15,"whole",0.30,"USD",0,0.03,"research-tax-customs-2026;feedvisor-referral","confirmed","Grocery & Gourmet 8% if total price <= USD 15, else 15%; min USD 0.30; returns allowance is a qiankua planning assumption (unconfirmed)"],
 ["amazon",US,"jewellery","","",250,0.20,0.05,"portion",0.30,"USD",0,0.03,"research-tax-customs-2026;feedvisor-referral","confirmed","Jewellery 20% on the portion <= USD 250, 5% above"],
 ["amazon",US,"home","","",None,0.15,0.15,"whole",0.30,"USD",0,0.03,"research-tax-customs-2026;feedvisor-referral","confirmed","Home & Kitchen / Handmade 15%"],
 ["amazon",US,"other","","",None,0.15,0.15,"whole",0.30,"USD",0,0.03,"research-tax-customs-2026","unconfirmed","other categories: 15% assumed (not on file)"],
 ["amazon",EU,"grocery","","",10,0.08,0.15,"whole",None,"EUR",0,0.03,"research-tax-customs-2026","unconfirmed","Amazon EU grocery 8% <= EUR 10, 15% above (not found in sources)"],
 ["amazon",EU,"jewellery","","",250,0.20,0.05,"portion",None,"EUR",0,0.03,"research-tax-customs-2026","unconfirmed","Amazon EU jewellery 20% <= EUR 250, 5% above"],
 ["amazon",EU,"home","","",None,0.15,0.15,"whole",None,"EUR",0,0.03,"research-tax-customs-2026","unconfirmed","Amazon EU home 15%"],
 ["amazon",EU,"other","","",None,0.15,0.15,"whole",None,"EUR",0,0.03,"research-tax-customs-2026","unconfirmed","other categories: 15% assumed"],
 ["amazon","JP","grocery","","",1500,0.08,0.10,"whole",None,"JPY",0,0.03,"research-tax-customs-2026","unconfirmed","Amazon JP food 8% <= JPY 1,500, 10% above"],
 ["amazon","JP","jewellery","","",None,0.10,0.10,"whole",None,"JPY",0,0.03,"research-tax-customs-2026","unconfirmed","Amazon JP jewellery 10%"],
 ["amazon","JP","home","","",None,0.15,0.15,"whole",None,"JPY",0,0.03,"research-tax-customs-2026","unconfirmed","Amazon JP home 15%"],
 ["amazon","JP","other","","",None,0.15,0.15,"whole",None,"JPY",0,0.03,"research-tax-customs-2026","unconfirmed","other categories: 15% assumed"],
 ["aliexpress","*","*","","",None,0.05,0.05,"whole",None,"USD",0,0.03,"research-tax-customs-2026;technode-aliexpress-2023","likely","around 5% (5-8% by category)"],
 ["shopee",SEA4,"*","","2026-02-02",None,0.06,0.06,"whole",None,"USD",0.02,0.03,"research-tax-customs-2026;56ok-shopee-2026","unconfirmed","cross-border commission ~5-7% (midpoint) + ~2% transaction fee"],
 ["shopee",SEA4,"*","2026-02-02","",None,0.11,0.11,"whole",None,"USD",0.02,0.03,"research-tax-customs-2026;56ok-shopee-2026","unconfirmed","~6% commission + 5% technology service fee (SG, MY, TH, VN from 2026-02-02) + ~2% transaction fee"],
 ["shopee","PH;ID","*","","",None,0.06,0.06,"whole",None,"USD",0.02,0.03,"research-tax-customs-2026;56ok-shopee-2026","unconfirmed","cross-border commission ~5-7% + ~2% transaction fee"],
 ["lazada",SEA,"*","","",None,0.04,0.04,"whole",None,"USD",0.02,0.03,"research-tax-customs-2026","unconfirmed","LazGlobal ~2-6% commission + ~2% payment fee (not found in sources)"],
 ["direct","*","*","","",None,0.0,0.0,"whole",None,"USD",None,0.03,"research-tax-customs-2026","unconfirmed","own web shop: no commission; payment fee not on file (flagged) - pass your processor's rate"],
 ["b2b","*","*","","",None,0.0,0.0,"whole",None,"USD",0.0,0.0,"research-tax-customs-2026","likely","B2B sale to a business buyer (9710/0110): no marketplace commission; bank transfer assumed free"],
]
write("channel_fees", FH, fees)

# ------------------------------------------------------------------ logistics fallback
LGH = ["service","zone","per_kg","per_item","currency","divisor","first_mile_per_kg","source_id","confidence","notes"]
lg = [
 ["postal","US",100,20,"CNY",8000,0,"research-logistics-rates-2026","unconfirmed","EST postal/e-commerce tracked to US: CNY 80-120/kg + 15-25/item (midpoints); door to door"],
 ["postal","EU",80,20,"CNY",8000,0,"research-logistics-rates-2026","unconfirmed","EST tracked to EU: CNY 60-100/kg + 15-25/item"],
 ["postal","ASEAN",45,12,"CNY",8000,0,"research-logistics-rates-2026","unconfirmed","EST tracked to ASEAN: CNY 30-60/kg + 8-20/item"],
 ["air","north_america",6.26,None,"USD",6000,0.375,"research-logistics-rates-2026","unconfirmed","Freightos Air Index China-North America USD 6.26/kg (post-peak January, year unclear); first mile from Guiyang-Shenzhen truck FEU CNY 7,500 over ~20 t (EST); last mile not on file"],
 ["air","europe",3.52,None,"USD",6000,0.375,"research-logistics-rates-2026","unconfirmed","Freightos Air Index China-North Europe USD 3.52/kg; first mile EST as above; last mile not on file"],
]
write("logistics_rates_fallback", LGH, lg)
print(len(regimes), len(vat), len(tariffs), len(layers), len(fees))

# ------------------------------------------------------------------ table-specific source ids + provenance
SRC = {
 "research-tax-customs-2026": ("qiankua shared research: tax & customs reference facts (tax_customs.md, tax_low_value.csv), compiled from public sources to about July 2026","","2026-07-31","research note (facts paraphrased from public sources)","likely"),
 "research-tax-tariffs-2026": ("qiankua shared research: line-level import tariffs for Guizhou product lines (tax_tariffs.csv / tax_tariffs.md)","","2026-05-31","research note (facts from public tariff schedules)","likely"),
 "research-logistics-rates-2026": ("qiankua shared research: logistics_rates.csv (freight indices and EST parcel rates)","","2025-11-13","research note","unconfirmed"),
 "vatupdate-eu-3eur-2025": ("VATupdate: EU flat EUR 3 customs duty on low-value consignments from 2026-07-01","https://www.vatupdate.com/2025/12/18/","2025-12-18","public web page","confirmed"),
 "govinfo-cdoc-119hdoc85": ("Executive order suspending duty-free de minimis treatment for all countries (House Doc 119-85)","https://www.govinfo.gov/content/pkg/CDOC-119hdoc85","2025-08-29","US government work (public domain)","confirmed"),
 "thompsonhine-s122-2026": ("Thompson Hine SmartTrade: Section 122 temporary import surcharge","https://www.thompsonhinesmartrade.com/2026/02/","2026-02-24","public web page","confirmed"),
 "joneswalker-scotus-ieepa": ("Jones Walker: Supreme Court holds IEEPA does not authorise tariffs (Learning Resources v. Trump)","https://www.joneswalker.com/","2026-02-20","public web page","confirmed"),
 "crowe-uk-low-value": ("Crowe UK: changes to low-value imports","https://www.crowe.com/uk/insights/changes-to-low-value-imports-uk","2026-01-31","public web page","confirmed"),
 "skadvisory-jp-2026": ("SK Advisory: Japan platform taxation and the FY2026 reform of the JPY 10,000 exemption","https://skadvisory.jp/en/japan-platform-taxation","2025-12-31","public web page","likely"),
 "krutils-kr-customs-2026": ("krutils: Korea customs guide 2026","https://krutils.com/main/guides/korea-customs-guide-2026","2026-05-31","public web page","likely"),
 "easyfreight-au-lvg": ("easyfreight: Australia low-value goods GST","https://easyfreight.co.nz","2018-07-01","public web page","confirmed"),
 "ird-nz-lvg": ("NZ Inland Revenue tax policy: GST on low-value imported goods (2018 fact sheet)","https://taxpolicy.ird.govt.nz","2019-12-01","NZ government (CC BY 4.0)","confirmed"),
 "cbsa-lvs": ("CBSA: low-value shipments (CUSMA)","https://www.cbsa-asfc.gc.ca/services/cusma-aceum/lvs-efv-eng.html","2020-07-01","Government of Canada","confirmed"),
 "iras-lvg": ("IRAS: GST on imports of low-value goods","https://www.iras.gov.sg","2023-01-01","Singapore government","confirmed"),
 "skrine-my-lvg": ("Skrine: Malaysia sales tax on low-value goods (Dec 2023 alert)","https://www.skrine.com","2023-12-31","public web page","confirmed"),
 "nation-th-2026": ("The Nation Thailand: Thailand ends import duty exemption","https://www.nationthailand.com/business/trade/40057798","2026-01-01","public web page","confirmed"),
 "vneconomy-vn-2025": ("VnEconomy: Vietnam repeals VND 1m express parcel exemption (Decision 01/2025/QD-TTg)","https://vneconomy.vn","2025-02-18","public web page","confirmed"),
 "posindonesia-import": ("Pos Indonesia: import regulation","https://www.posindonesia.co.id/en/pages/import-regulation","2023-10-17","public web page","confirmed"),
 "importtaxph": ("importtaxph: how Philippine import tax works","https://importtaxph.com/how-it-works","2025-05-31","public web page","likely"),
 "saudi-expatriates-zatca": ("saudi-expatriates.com: ZATCA personal shipment exemption SAR 1,000","https://saudi-expatriates.com","2021-09-30","public web page","likely"),
 "hidubai-ae": ("Hi Dubai: UAE customs duty threshold AED 1,000 restored","https://focus.hidubai.com","2023-03-01","public web page","likely"),
 "craneip-eaeu-2020": ("Crane IP: EAEU duty-free limit EUR 200 / 31 kg (2020 rule)","https://craneip.com","2020-01-01","public web page","likely"),
 "deliver2-eaeu-2026": ("deliver-2: EAEU EUR 200 per-order limit from 1 July 2026","https://deliver-2.com","2026-07-01","public web page","likely"),
 "dhl-brazil-value-basis": ("DHL Discover: Brazil import tax value basis (Remessa Conforme)","https://www.dhl.com/discover/en-tw","2024-08-01","public web page","confirmed"),
 "vatabout-mx-courier": ("VATabout: Mexico updates courier simplified regime rate to 33.5%","https://vatabout.com","2025-08-15","public web page","confirmed"),
 "carey-cl-2025": ("Carey: Chile VAT on low-value imports from 25 October 2025","https://www.carey.cl","2025-10-25","public web page","confirmed"),
 "vat-solutions-eu-2025": ("VAT Solutions: VAT rates 2025 in the European Union","https://www.vat-solutions.com/blog/european-union-3/vat-rates-2025-in-the-european-union-46","2025-01-01","public web page","likely"),
 "caishui-2018-103": ("Caishui [2018] No.103: CBEC comprehensive pilot zone retail export no-invoice VAT/CT exemption (via 10100.com, chwang.com)","https://www.10100.com/article/701013","2018-10-01","PRC government document","confirmed"),
 "sat-2025-3": ("SAT Announcement 2025 No.3: overseas-warehouse pre-rebate on exit (via HKTDC)","https://newsbites.hktdc.com/?p=34345","2025-01-27","public web page","likely"),
 "feedvisor-referral": ("Feedvisor: Amazon referral fees","https://feedvisor.com/university/referral-fee","2026-01-31","public web page","confirmed"),
 "technode-aliexpress-2023": ("TechNode: AliExpress commission around 5%","https://technode.com/2023/10/09","2023-10-09","public web page","likely"),
 "56ok-shopee-2026": ("56ok: Shopee imposes new fees on cross-border sellers","https://en.56ok.com","2026-02-02","public web page","likely"),
}
TABLES = {"tax_regimes":"reg","vat_rates":"vat","tariffs":"tar","tariff_layers":"lay","excise":"exc","export_rebates":"reb",
          "export_modes":"mod","channel_fees":"fee","logistics_rates_fallback":"log"}
TITLE = {"tax_regimes":"Destination low-value import regimes by date (de minimis, LVG/IOSS collection, flat rates)",
         "vat_rates":"VAT/GST standard and reduced food rates by market","tariffs":"Import tariff lines by market area, HS prefix and agreement",
         "tariff_layers":"US additional duty layers on Chinese goods by date (Section 301, IEEPA, Section 122)",
         "excise":"Excise on spirits by market area","export_rebates":"China export VAT rebate and consumption-tax refund by HS prefix",
         "export_modes":"China customs modes 9610/9710/9810/0110: origin certificate, invoices, rebate rules",
         "channel_fees":"Platform commission, payment fee and returns allowance by platform, market and category",
         "logistics_rates_fallback":"Fallback parcel and air rates (used when no route cost is given)"}
prov = []
for table, code in TABLES.items():
    p = D / f"{table}.csv"
    rows_ = list(csv.reader(open(p, encoding="utf-8")))
    h = rows_[0]; i = h.index("source_id"); used = []
    for r in rows_[1:]:
        ids = [s for s in r[i].split(";") if s]
        r[i] = ";".join(f"{s}.{code}" for s in ids)
        for s in ids:
            if s not in used: used.append(s)
    with open(p, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows_)
    prov.append([f"qiankua-costing-{code}", table, "*", f"qiankua costing: {TITLE[table]}; built from the shared research notes, each row citing its source", "", "2026-11-28", "project compilation (rows cite their sources)", "likely",
                 "Rows keep the research confidence flags; an empty rate means not found at line level and is flagged in every quote that uses it."])
    for s in used:
        src, url, asof, lic, conf = SRC[s]
        prov.append([f"{s}.{code}", table, "", src, url, asof, lic, conf, ""])
P = D / "provenance.csv"
existing = {r[0] for r in csv.reader(open(P, encoding="utf-8"))}
prov = [r for r in prov if r[0] not in existing]
text = P.read_text(encoding="utf-8")
assert text.endswith("\n")
with open(P, "a", encoding="utf-8", newline="") as fh:
    csv.writer(fh, lineterminator="\n").writerows(prov)
print("provenance rows", len(prov))
