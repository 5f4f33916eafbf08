// Runs a state machine definition with aws-local-stepfunctions and prints one JSON document:
//   {status, output | error+cause, stats: {maxPayloadBytes, maxPayloadState, parentStates, parentRetries, impliedHistoryEvents}}
// Usage: node run-state-machine.mjs <run.json>, where run.json holds
//   {definition: path, substitutions: {Name: value}, input: {...}, localHandlers?: path, noWaits?: bool,
//    payloadsFile?: path (every state's input and output, one JSON line each, for tests that search them),
//    executionArn?: string ($$.Execution.Id; a fresh one by default),
//    abortAt?: {state: name, entered: n} (aborts the execution, as StopExecution does, when that state is
//    entered for the n-th time; the result's status is then ABORTED)}
// Lambda Task states call the real AWS SDK client; AWS_ENDPOINT_URL_LAMBDA points it at a local server.
import { appendFileSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';

const run = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let text = readFileSync(run.definition, 'utf8');
for (const [name, value] of Object.entries(run.substitutions ?? {})) {
  text = text.split('${' + name + '}').join(String(value));
}
const unfilled = text.match(/\$\{[A-Za-z0-9_:]+\}/g);
if (unfilled) {
  console.log(JSON.stringify({ status: 'INVALID', error: 'UnfilledPlaceholders', cause: [...new Set(unfilled)].join(', ') }));
  process.exit(1);
}
const definition = JSON.parse(text);

const taskStates = [];
(function collect(states) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') taskStates.push(name);
    if (state.ItemProcessor) collect(state.ItemProcessor.States);
    if (state.Iterator) collect(state.Iterator.States);
    for (const branch of state.Branches ?? []) collect(branch.States);
  }
})(definition.States);

const overrides = {};
if (run.noWaits) {
  // Retries keep their attempts but not their pauses.
  overrides.retryIntervalOverrides = Object.fromEntries(taskStates.map((name) => [name, 0]));
}
if (run.localHandlers) {
  overrides.taskResourceLocalHandlers = (await import(pathToFileURL(run.localHandlers).href)).handlers(run);
}

const executionArn = run.executionArn
  ?? `arn:aws:states:eu-west-2:123456789012:execution:helix-migrate-fleet:${Date.now()}-${Math.random().toString(16).slice(2, 10)}`;
const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
const execution = machine.run(run.input ?? {}, { overrides, context: { Execution: { Id: executionArn } } });

// Standard-workflow history events per parent state, as AWS records them.
const EVENTS_PER_STATE = { Task: 5, Pass: 2, Choice: 2, Map: 6, Parallel: 4, Wait: 2, Succeed: 2, Fail: 2 };
const entered = {};
let aborted = false;
const stats = { maxPayloadBytes: 0, maxPayloadState: null, parentStates: {}, parentRetries: 0, mapIterations: 0 };
const measure = (name, value) => {
  if (value === undefined) return;
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > stats.maxPayloadBytes) {
    stats.maxPayloadBytes = bytes;
    stats.maxPayloadState = name;
  }
};
const watching = (async () => {
  for await (const event of execution.eventLogs) {
    const nested = event.index !== undefined;
    if (event.type === 'StateEntered' && !nested) {
      stats.parentStates[event.state.type] = (stats.parentStates[event.state.type] ?? 0) + 1;
      entered[event.state.name] = (entered[event.state.name] ?? 0) + 1;
      if (run.abortAt && run.abortAt.state === event.state.name && run.abortAt.entered === entered[event.state.name]) {
        aborted = true;
        execution.abort();
      }
    }
    if (event.type === 'StateRetried' && !nested) stats.parentRetries++;
    if (event.type === 'MapIterationStarted') stats.mapIterations++;
    if (event.type === 'StateEntered' || event.type === 'StateExited') {
      measure(event.state.name, event.state.input);
      measure(event.state.name, event.state.output);
      if (run.payloadsFile) appendFileSync(run.payloadsFile, JSON.stringify(event) + '\n');
    }
  }
})();

let result;
try {
  result = { status: 'SUCCEEDED', output: await execution.result };
} catch (e) {
  result = aborted
    ? { status: 'ABORTED' }
    : { status: 'FAILED', error: e.cause?.name ?? e.name, cause: e.cause?.message ?? e.message };
}
await watching;
stats.impliedHistoryEvents = 2 + 3 * stats.parentRetries
  + Object.entries(stats.parentStates).reduce((sum, [type, count]) => sum + (EVENTS_PER_STATE[type] ?? 2) * count, 0);
console.log(JSON.stringify({ ...result, executionArn, stats }));
