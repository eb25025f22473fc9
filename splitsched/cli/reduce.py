"""CLI command ``reduce``: a flow shop as S0 Fig. 9's layer graph, or a multi-path layer graph as a flow shop."""

from __future__ import annotations

import argparse
from typing import cast

from splitsched.core.errors import InstanceError, SplitschedError
from splitsched.families import family_of, read_instance
from splitsched.instances.flowshop.problem import FlowShop
from splitsched.instances.flowshop.taillard import write_taillard
from splitsched.instances.layers.layers_json import write_layers
from splitsched.instances.layers.problem import LayerProblem

EXIT_OK = 0

_TARGETS = ("layers", "flowshop")


def declare_reduce(parser: argparse.ArgumentParser) -> None:
    """Declare ``reduce``'s arguments and handler on ``parser``."""
    parser.add_argument(
        "instance", help="Taillard text (to layers) or splitsched/layers-v1 with a placement (to flowshop)"
    )
    parser.add_argument("--to", required=True, choices=_TARGETS, help="what to reduce to")
    parser.add_argument(
        "--stages", type=int, choices=(2, 3), default=None,
        help="with --to flowshop: 3 (device, link, server) or 2 (S1: server times must be 0); "
        "default 2 when every job's server time is 0, else 3",
    )  # fmt: skip
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE",
        help="file to write: splitsched/layers-v1 JSON (--to layers) or Taillard text (--to flowshop)",
    )  # fmt: skip
    parser.set_defaults(handler=_cmd_reduce)


def _cmd_reduce(args: argparse.Namespace) -> int:
    instance = read_instance(args.instance)
    try:
        message = _reduce(instance, args)
    except InstanceError as error:
        raise (error if error.source else error.with_source(args.instance)) from None
    print(message)
    return EXIT_OK


def _reduce(instance: object, args: argparse.Namespace) -> str:
    # The reductions import solver code (numba kernels): only when the command runs.
    from splitsched.reductions import flowshop_to_layers, layers_to_flowshop

    if args.to == "layers":
        if _family(instance) != "flowshop":
            raise SplitschedError(
                f"{args.instance}: --to layers takes a flow shop (Taillard text), got {_kind(instance)}"
            )
        if args.stages is not None:
            raise SplitschedError("--stages applies to --to flowshop only")
        flowshop = cast(FlowShop, instance)
        problem = flowshop_to_layers(flowshop)
        write_layers(problem, args.output)
        return (
            f"wrote {args.output}: {len(problem.graph)} layers, one device -> link -> server path per job "
            f"({flowshop.n_jobs} jobs x {flowshop.n_stages} stages), with the placement"
        )
    if _family(instance) != "layers":
        raise SplitschedError(
            f"{args.instance}: --to flowshop takes a splitsched/layers-v1 graph with a placement, got {_kind(instance)}"
        )
    layers = cast(LayerProblem, instance)
    reduction = layers_to_flowshop(layers, args.stages)
    write_taillard(reduction.flowshop, args.output)
    flowshop = reduction.flowshop
    sink = f"; every layer makespan is the flow shop's + {reduction.sink_time:g} ms (the common sink)"
    return (
        f"wrote {args.output}: {flowshop.n_jobs} jobs x {flowshop.n_stages} stages from {len(layers.graph)} layers"
        + (sink if reduction.sink_time else "")
    )


def _family(instance: object) -> str:
    return family_of(instance).name


def _kind(instance: object) -> str:
    names = {"flowshop": "a flow shop", "layers": "a layer graph"}
    return names.get(_family(instance), f"a {type(instance).__name__}")
