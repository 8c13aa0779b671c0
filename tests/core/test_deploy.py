"""`zoneops check --deploy` passes with a proper production configuration, and fails without."""

import os
import subprocess
import sys


def run_check(extra_env):
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DEBUG", "VOTING_ID_PEPPER"}}
    env.update(extra_env)
    return subprocess.run([sys.executable, "-m", "zoneops.cli", "check", "--deploy",
                           "--fail-level", "WARNING"], env=env, capture_output=True, text=True,
                          timeout=120)


PRODUCTION = {
    "SECRET_KEY": "x7!" + "k" * 30 + "Q9#mZ2@vL5^pR8&tW1*yB4(nC6)dF3-hJ0+",
    "DEBUG": "false", "ALLOWED_HOSTS": "zoneops.zone.internal", "HTTPS": "true",
    "SECURE_SSL_REDIRECT": "true", "SECURE_HSTS_SECONDS": "31536000", "BEHIND_TLS_PROXY": "true",
    "VOTING_ID_PEPPER": "pq8#Zt2!rM5vW9xK3nB7cF1hJ6dL4sG0aY",
}


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run_check({**PRODUCTION, "ZONEOPS_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_the_development_key(tmp_path):
    env = {**PRODUCTION, "ZONEOPS_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY")
    result = run_check(env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stdout + result.stderr


def test_check_deploy_flags_the_public_voting_pepper(tmp_path):
    env = {**PRODUCTION, "ZONEOPS_VAR_DIR": str(tmp_path)}
    env.pop("VOTING_ID_PEPPER")
    result = run_check(env)
    assert result.returncode != 0 and "VOTING_ID_PEPPER" in result.stdout + result.stderr
