"""The stages of a forward/backward stepper, shared by chapter 5's neuron
(:func:`bpcore.neuron.pass_steps`) and chapter 4's network
(:func:`bpcore.backprop.mlp_pass_steps`)."""


def pass_stages(forward, backward, values, labels=None):
    """One stage per step: the forward steps reveal node labels, the backward
    steps reveal gradients along edges; each stage holds everything revealed
    so far.

    ``forward``: ``(note, new_labels, highlight)`` triples; ``backward``:
    ``(note, new_grads, highlight, edges)``. Returns dicts with ``note``,
    ``labels``, ``grads``, ``highlight``, ``backward_edges`` and ``values``.

    >>> stages = pass_stages([("a", {"x": "x = 1"}, {"x"})], [("b", {"x": "∂x"}, {"x"}, [("x", "L")])], {})
    >>> [(s["labels"], s["grads"]) for s in stages]
    [({'x': 'x = 1'}, {}), ({'x': 'x = 1'}, {'x': '∂x'})]
    """
    stages, labels, grads = [], dict(labels or {}), {}
    for note, new_labels, highlight in forward:
        labels = {**labels, **new_labels}
        stages.append(dict(note=note, labels=labels, grads=grads, highlight=highlight, backward_edges=[], values=values))
    for note, new_grads, highlight, edges in backward:
        grads = {**grads, **new_grads}
        stages.append(dict(note=note, labels=labels, grads=grads, highlight=highlight, backward_edges=edges, values=values))
    return stages
