"""notegraph.graph.louvain finds exactly the communities networkx's Louvain finds."""

from __future__ import annotations

import random

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
def test_same_communities_as_networkx(seed: int, n: int, resolution: float):
    g = _clustered(seed, n)
    ours = louvain_communities(g, weight="weight", seed=seed, resolution=resolution)
    theirs = nx.community.louvain_communities(g, weight="weight", seed=seed,
                                              resolution=resolution)
    assert _canon(ours) == _canon(theirs)
    assert len(ours) > 1


def test_a_subgraph_in_a_given_order_and_edge_cases():
    g = _clustered(5, 200)
    nodes = sorted(g)[:90]
    groups = louvain_communities(g, weight="weight", seed=1, nodes=nodes)
    assert sorted(u for c in groups for u in c) == nodes  # a partition of just those
    assert groups == louvain_communities(g, weight="weight", seed=1, nodes=nodes)
    empty = nx.Graph()
    empty.add_nodes_from(["b", "a"])
    assert louvain_communities(empty) == [{"b"}, {"a"}]
