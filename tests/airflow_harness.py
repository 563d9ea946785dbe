"""Run inside a subprocess with AIRFLOW_HOME set: import the DAGs, optionally dag.test() one.

Usage: python airflow_harness.py DAGS_FOLDER [DAG_ID RUN_CONF_JSON]
Prints one JSON line: import errors, DAG ids, task ids and (when run) the final state.
"""

import json
import sys

from airflow.dag_processing.dagbag import DagBag

bag = DagBag(dag_folder=sys.argv[1])
result = {
    "import_errors": {k: str(v) for k, v in bag.import_errors.items()},
    "dag_ids": sorted(bag.dag_ids),
}
if len(sys.argv) > 2:
    dag = bag.get_dag(sys.argv[2])
    result["task_ids"] = sorted(t.task_id for t in dag.tasks)
    run = dag.test(run_conf=json.loads(sys.argv[3]))
    result["state"] = str(run.state)
    result["task_states"] = {f"{ti.task_id}[{ti.map_index}]": str(ti.state) for ti in run.get_task_instances()}
print("HARNESS " + json.dumps(result))
