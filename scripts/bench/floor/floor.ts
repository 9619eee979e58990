/**
 * The primitive floor of this machine: each primitive's CPU ms per operation, measured one after the
 * other in this process (and the broker), with the reference lifecycle's cost.
 *
 * @module
 */
import { lifecycleFloorMs, type Primitive } from "../lifecycle.ts";
import { amqpFloor } from "./amqp.ts";
import { grpcFloor } from "./grpc.ts";
import { httpFloor } from "./http.ts";
import { kvFloor } from "./kv.ts";
import type { PrimitiveCost } from "./measure.ts";

/** The floor measured in one run. */
export interface Floor {
  /** Each primitive's cost. */
  primitives: Record<Primitive, PrimitiveCost>;
  /** CPU ms of the reference lifecycle at these costs. */
  lifecycleCpuMs: number;
}

/** How much of each primitive to measure. */
export interface FloorPlan {
  /** Operations measured per primitive. */
  ops: Record<Primitive, number>;
  /** Operations in flight at once (1: one after the other). */
  lanes: number;
}

/** Measures the four primitives; `say` gets a line per primitive. */
export async function measureFloor(
  amqpUrl: string,
  brokerPid: number,
  plan: FloorPlan,
  say: (line: string) => void = () => {},
): Promise<Floor> {
  const run = async (p: Primitive, f: () => Promise<PrimitiveCost>) => {
    const cost = await f();
    say(
      `bench: floor ${p}: ${cost.cpuMs.toFixed(3)} CPU-ms per operation ` +
        `(${cost.ops} operations, ${cost.lanes} in flight)`,
    );
    return cost;
  };
  const primitives = {
    http: await run("http", () => httpFloor(plan.ops.http, plan.lanes)),
    grpc: await run("grpc", () => grpcFloor(plan.ops.grpc, plan.lanes)),
    kv: await run("kv", () => kvFloor(plan.ops.kv, plan.lanes)),
    amqp: await run("amqp", () => amqpFloor(amqpUrl, brokerPid, plan.ops.amqp, plan.lanes)),
  };
  return {
    primitives,
    lifecycleCpuMs: lifecycleFloorMs({
      http: primitives.http.cpuMs,
      grpc: primitives.grpc.cpuMs,
      kv: primitives.kv.cpuMs,
      amqp: primitives.amqp.cpuMs,
    }),
  };
}
