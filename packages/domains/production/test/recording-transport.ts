import {
  type CallInput,
  type CallOptions,
  type CallPromise,
  callPromiseOf,
  type OperationSpec,
  type Transport,
} from "@tswats/core";

/** A transport that records each call and answers from a function of the operation. */
export class RecordingTransport implements Transport {
  readonly calls: { op: OperationSpec; input: CallInput; options: CallOptions | undefined }[] = [];
  constructor(private readonly answer: (op: OperationSpec) => unknown) {}

  call<T>(op: OperationSpec, input: CallInput, options?: CallOptions): CallPromise<T> {
    this.calls.push({ op, input, options });
    return callPromiseOf(() => this.answer(op) as T);
  }
}
