"""requirements.txt (what we use) and requirements-lock.txt (what setup.sh installs) agree."""

from pathlib import Path

MODELS = Path(__file__).resolve().parents[2]


def pins(name: str) -> dict[str, str]:
    out = {}
    for line in (MODELS / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            pkg, version = line.split("==")
            out[pkg.lower().replace("_", "-")] = version
    return out


def test_every_direct_requirement_is_locked_at_the_same_version():
    direct, lock = pins("requirements.txt"), pins("requirements-lock.txt")
    assert {p: v for p, v in direct.items() if lock.get(p) != v} == {}


def test_the_lock_leaves_out_what_a_cpu_never_uses():
    # setup.sh's comment explains: triton serves torch.compile on a GPU and is 1 GB
    assert "triton" not in pins("requirements-lock.txt")
