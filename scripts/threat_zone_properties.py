"""Recompute the substance properties in src/zoneops/hazards/data/threat_zone.json from CoolProp's
reference equations of state (run by hand: `pip install CoolProp` first; the platform does not
need CoolProp). Prints the "substances" list as JSON."""

import json

import CoolProp.CoolProp as CP

ROWS = [
    ("7782-50-5", "氯", "chlorine", "Chlorine"),
    ("7664-41-7", "氨", "ammonia", "Ammonia"),
    ("68476-85-7", "液化石油气", "liquefied petroleum gas (as propane)", "n-Propane"),
    ("74-98-6", "丙烷", "propane", "n-Propane"),
    ("1333-74-0", "氢", "hydrogen", "Hydrogen"),
    ("71-43-2", "苯", "benzene", "Benzene"),
    ("67-56-1", "甲醇", "methanol", "Methanol"),
    ("7783-06-4", "硫化氢", "hydrogen sulfide", "HydrogenSulfide"),
    ("7647-01-0", "氯化氢", "hydrogen chloride", "HydrogenChloride"),
    ("75-01-4", "氯乙烯", "vinyl chloride", "VinylChloride"),
    ("75-21-8", "环氧乙烷", "ethylene oxide", "EthyleneOxide"),
    ("7446-09-5", "二氧化硫", "sulfur dioxide", "SulfurDioxide"),
]
P_ATM = 101325.0
R = 8.314462618


def main() -> None:
    out = []
    for cas, name, name_en, fluid in ROWS:
        tb = CP.PropsSI("T", "P", P_ATM, "Q", 0, fluid)

        def at(key, quality, tb=tb, fluid=fluid):
            return CP.PropsSI(key, "T", tb, "Q", quality, fluid)

        molar = CP.PropsSI("M", fluid)
        cp25 = CP.PropsSI("Cp0mass", "T", 298.15, "P", 5000.0, fluid)
        out.append({
            "cas": cas, "name": name, "name_en": name_en, "coolprop_fluid": fluid,
            "molar_mass_g_mol": round(molar * 1000, 4),
            "boiling_point_k": round(tb, 2),
            "heat_of_vaporisation_j_kg": round(at("H", 1) - at("H", 0)),
            "cp_vapour_j_kg_k": round(CP.PropsSI("Cp0mass", "T", tb, "P", 5000.0, fluid), 1),
            "cp_liquid_j_kg_k": round(at("CPMASS", 0), 1),
            "liquid_density_kg_m3": round(at("D", 0), 1),
            "gamma_ideal_gas_25c": round(cp25 / (cp25 - R / molar), 4),
        })
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
