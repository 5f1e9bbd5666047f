"""A synthetic workload in Luigi: one `WorkloadNode` per node of the spec file.

Each node requires its upstream nodes and marks itself done with an empty target file under
`<spec folder>/done/<label>/`; a new `--label` gives a fresh set of targets, so the same
workload can be measured again without deleting anything.

    luigi --module pipelines.luigi.workload WorkloadRun --spec run/workload.json --label r1 --workers 4
"""

from __future__ import annotations

from pathlib import Path

import luigi

from pipelines.core.workloads import Workload, run_node


class WorkloadNode(luigi.Task):
    spec = luigi.Parameter(description="path of the workload spec (JSON)")
    label = luigi.Parameter(description="names this measurement; each label has its own targets")
    node = luigi.Parameter()

    def requires(self):
        return [self.clone(node=parent) for parent in Workload.load(self.spec).upstream[self.node]]

    def output(self):
        return luigi.LocalTarget(Path(self.spec).parent / "done" / self.label / self.node)

    def run(self):
        run_node(Workload.load(self.spec), self.node)
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
