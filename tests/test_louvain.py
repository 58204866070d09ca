"""notegraph.graph.louvain (igraph's Louvain): as good as networkx's, and deterministic."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from notegraph.graph.louvain import louvain_communities


def _clustered(seed: int, n: int) -> nx.Graph:
    """Nodes added in shuffled order, weighted edges mostly inside clusters."""
    rng = random.Random(seed)
    ids = [f"n{i:04d}" for i in range(n)]
    rng.shuffle(ids)
    g = nx.Graph()
    g.add_nodes_from(ids)
    k = max(2, n // 40)
    for _ in range(n * 4):
        a = rng.randrange(n)
        b = rng.randrange(a % k, n, k) if rng.random() < 0.8 else rng.randrange(n)
        if a != b:
            g.add_edge(ids[a], ids[b], weight=rng.choice([1.0, 0.6, 1.6]))
    return g


def _canon(groups) -> list[list[str]]:
    return sorted(sorted(c) for c in groups)


@pytest.mark.parametrize(("seed", "n", "resolution"),
                         [(1, 40, 1.0), (2, 150, 1.0), (3, 300, 2.0), (4, 300, 1.0)])
def test_communities_as_good_as_networkx(seed: int, n: int, resolution: float):
    g = _clustered(seed, n)
    ours = louvain_communities(g, weight="weight", seed=seed, resolution=resolution)
    theirs = nx.community.louvain_communities(g, weight="weight", seed=seed,
                                              resolution=resolution)
    assert sorted(u for c in ours for u in c) == sorted(g)  # a partition of the graph
    assert len(ours) > 1

    def quality(parts) -> float:
        return nx.community.modularity(g, parts, weight="weight", resolution=resolution)

    assert quality(ours) >= quality(theirs) - 0.01


def test_the_same_communities_for_a_fixed_seed_in_every_process():
    g = _clustered(6, 300)
    first = _canon(louvain_communities(g, seed=7))
    assert _canon(louvain_communities(g, seed=7)) == first
    # another process (another string hash seed, another `random` state) finds them too
    repo = Path(__file__).resolve().parents[1]
    script = (f"import random, sys; sys.path[:0] = [{str(repo)!r}]; random.seed(99)\n"
              "from tests.test_louvain import _clustered, _canon\n"
              "from notegraph.graph.louvain import louvain_communities\n"
              "print(_canon(louvain_communities(_clustered(6, 300), seed=7)))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={"PYTHONHASHSEED": "123"}).stdout
    assert out.strip() == repr(first)


def test_the_global_random_state_is_left_alone():
    random.seed(5)
    expected = random.random()
    random.seed(5)
    louvain_communities(_clustered(7, 100), seed=1)
    assert random.random() == expected


def test_a_subgraph_in_a_given_order_and_edge_cases():
    g = _clustered(5, 200)
    nodes = sorted(g)[:90]
    groups = louvain_communities(g, weight="weight", seed=1, nodes=nodes)
    assert sorted(u for c in groups for u in c) == nodes  # a partition of just those
    assert groups == louvain_communities(g, weight="weight", seed=1, nodes=nodes)
    empty = nx.Graph()
    empty.add_nodes_from(["b", "a"])
    assert louvain_communities(empty) == [{"b"}, {"a"}]
