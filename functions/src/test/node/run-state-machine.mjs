// Runs a state machine definition with aws-local-stepfunctions and prints one JSON document:
//   {status, output | error+cause, stats: {maxPayloadBytes, maxPayloadState, parentStates, parentRetries,
//    impliedHistoryEvents, mapIterations: {MapStateName: n}, childExecutions, maxChildHistoryEvents}}
// A Distributed Map's iterations are child executions with their own history: each one's events are implied from
// the states it entered (an inline Map's iterations from its output), and the largest is reported.
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
const childStates = new Set();
(function collect(states) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') taskStates.push(name);
    if (state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
      for (const child of Object.keys(state.ItemProcessor.States)) childStates.add(child);
    }
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
const stats = { maxPayloadBytes: 0, maxPayloadState: null, parentStates: {}, parentRetries: 0, mapIterations: {} };
// A child execution is known by its item (its input's `lane`): a new one starts each time one begins with taken 0.
const children = new Map();
const childEvents = [];
const childOf = (input) => {
  const key = JSON.stringify(input?.lane ?? null);
  if (!children.has(key) || input?.taken === 0 && !input?.batch) {
    children.set(key, childEvents.length);
    childEvents.push(2);
  }
  return children.get(key);
};
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
    if (event.type === 'MapIterationStarted') {
      stats.mapIterations[event.parentState.name] = (stats.mapIterations[event.parentState.name] ?? 0) + 1;
    }
    if (childStates.has(event.state?.name) && event.type === 'StateEntered') {
      childEvents[childOf(event.state.input)] += EVENTS_PER_STATE[event.state.type] ?? 2;
    }
    const results = event.state?.output?.results;
    if (childStates.has(event.state?.name) && event.type === 'StateExited' && event.state.type === 'Map' && Array.isArray(results)) {
      childEvents[childOf(event.state.output)] += results.reduce((sum, r) => sum + 7 + (r?.status === 'failed' ? 2 : 0), 0);
    }
    if (event.type === 'StateRetried' && nested && childStates.has(event.state.name)) {
      childEvents[childOf(event.state.input)] += 3;
    }
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
stats.childExecutions = childEvents.length;
stats.maxChildHistoryEvents = Math.max(0, ...childEvents);
console.log(JSON.stringify({ ...result, executionArn, stats }));
