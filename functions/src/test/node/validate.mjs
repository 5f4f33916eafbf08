// Validates state machine definitions (asl-validator) and a SAM/CloudFormation template (AWS's
// cloudformation-validate, bundled in aws-cdk-lib). Prints one JSON document; exits 1 on any error.
// Usage: node validate.mjs <template.yaml> <definition.asl.json>...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator');
const cfv = createRequire(require.resolve('aws-cdk-lib/package.json'))('@aws/cloudformation-validate');

const [template, ...definitions] = process.argv.slice(2);
const report = { asl: [], template: { file: template, diagnostics: [] } };
let failed = false;

for (const file of definitions) {
  const { isValid, errorsText } = aslValidator(JSON.parse(readFileSync(file, 'utf8')), { checkPaths: true, checkArn: true });
  report.asl.push({ file, valid: isValid, errors: isValid ? [] : errorsText('\n').split('\n') });
  failed ||= !isValid;
}

const engine = new cfv.CompositeEngine();
const result = engine.validateTemplate(new cfv.TemplateFile(template), { detailLevel: 'STANDARD', severityLevel: 'WARN' });
for (const d of result.diagnostics) {
  report.template.diagnostics.push({ severity: d.severity, rule: d.ruleId, line: d.startLine,
    resource: d.entity?.logicalId ?? null, path: d.propertyPath ?? null, message: d.message });
  failed ||= d.severity === 'ERROR' || d.severity === 'FATAL';
}
engine.free();
console.log(JSON.stringify(report));
process.exit(failed ? 1 : 0);
