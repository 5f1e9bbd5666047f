"""A synthetic workload in Luigi: one `WorkloadNode` per node of the spec file.

Each node requires its upstream nodes and marks itself done with an empty target file under
`<spec folder>/done/<label>/`; a new `--label` gives a fresh set of targets, so the same
workload can be measured again without deleting anything. A `map` workload fans out with
Luigi's dynamic dependencies: `WorkloadFanOut` reads what the source wrote (the items,
decided at run time) and yields one `WorkloadNode` per item from its `run()`.

    luigi --module pipelines.luigi.workload WorkloadRun --spec run/workload.json --label r1 --workers 4
"""

from __future__ import annotations

import json
from pathlib import Path

import luigi

from pipelines.core.workloads import JOIN, SOURCE, Workload, is_mapped, mapped_items, run_node


class WorkloadNode(luigi.Task):
    spec = luigi.Parameter(description="path of the workload spec (JSON)")
    label = luigi.Parameter(description="names this measurement; each label has its own targets")
    node = luigi.Parameter()

    def requires(self):
        workload = Workload.load(self.spec)
        if workload.shape == "map" and self.node == JOIN:
            return WorkloadFanOut(spec=self.spec, label=self.label)
        parents = (SOURCE,) if is_mapped(self.node) else workload.upstream[self.node]
        return [self.clone(node=parent) for parent in parents]

    def output(self):
        return luigi.LocalTarget(Path(self.spec).parent / "done" / self.label / self.node)

    def run(self):
        workload = Workload.load(self.spec)
        run_node(workload, self.node, self.label)
        with self.output().open("w") as out:
            if workload.shape == "map" and self.node == SOURCE:
                json.dump(mapped_items(self.spec), out)  # what decides the fan-out


class WorkloadFanOut(luigi.Task):
    """A `map` workload's fan-out: as many nodes as its source's output lists."""

    spec = luigi.Parameter()
    label = luigi.Parameter()

    def requires(self):
        return WorkloadNode(spec=self.spec, label=self.label, node=SOURCE)

    def output(self):
        return luigi.LocalTarget(Path(self.spec).parent / "done" / self.label / "fanout")

    def run(self):
        with self.input().open() as source:
            items = json.load(source)
        yield [WorkloadNode(spec=self.spec, label=self.label, node=item) for item in items]
        with self.output().open("w"):
            pass


class WorkloadRun(luigi.WrapperTask):
    spec = luigi.Parameter()
    label = luigi.Parameter()

    def requires(self):
        workload = Workload.load(self.spec)
        has_children = {parent for ups in workload.upstream.values() for parent in ups}
        return [
            WorkloadNode(spec=self.spec, label=self.label, node=n)
            for n in workload.nodes
            if n not in has_children
        ]
