// A clang pass plugin for the browser build with wasm exceptions (-fwasm-exceptions, the JSPI
// blocking mode): it works around an LLVM WebAssembly backend fault that silently miscompiles
// C++ coroutines such as
//
//   for (;;) try { co_await op(); may_throw(); } catch (std::exception&) { ... }
//
// Why (docs/browser.md "Coroutines and wasm exceptions"): after coroutine splitting, the resume
// function enters the loop at the resume point, whose calls unwind into the loop's catch pad. The
// pad then enters a cycle from outside it. WebAssemblyFixIrreducibleControlFlow turns a
// multi-entry cycle into a loop with a dispatch block that branches to each entry, but an EH pad
// cannot be branched to: the emitted code calls the resume point's functions outside any `try`
// (the exception escapes the coroutine uncaught, or the frame is destroyed twice) and a br_table
// gets an invalid depth. Seen with Emscripten 3.1.6's clang 14 and clang 16 alike (LLVM issue
// 208409 is the same fault).
//
// What: before code generation, every EH pad that sits on a cycle and is reached by an unwind
// edge from outside that cycle gets a copy of its funclet (the pad, its handlers and any funclets
// nested in them) for those outside edges alone. The copy is on no cycle; it leaves through the
// same catchret/cleanupret targets, which are ordinary blocks the backend can dispatch to. Values
// defined in the copied blocks and used after them are joined with SSAUpdater. Repeated until no
// EH pad is entered from outside its cycle. Functions without the wasm personality are untouched.
#include <llvm/ADT/SCCIterator.h>
#include <llvm/ADT/SetVector.h>
#include <llvm/Analysis/EHPersonalities.h>
#include <llvm/IR/CFG.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/PassManager.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Passes/PassPlugin.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Transforms/Utils/Cloning.h>
#include <llvm/Transforms/Utils/SSAUpdater.h>
#include <llvm/Transforms/Utils/ValueMapper.h>

using namespace llvm;

namespace {

using block_set = SmallSetVector<BasicBlock*, 16>;

// Each block's strongly connected component; a component counts as a cycle when it has two or
// more blocks or one block that branches to itself.
struct cycles {
  DenseMap<BasicBlock*, unsigned> component;
  DenseSet<unsigned> cyclic;

  explicit cycles(Function& f) {
    unsigned id = 0;
    for (auto it = scc_begin(&f); !it.isAtEnd(); ++it, ++id) {
      for (BasicBlock* b : *it)
        component[b] = id;
      if (it.hasCycle()) cyclic.insert(id);
    }
  }
  bool on_cycle(BasicBlock* b) const {
    auto it = component.find(b);
    return it != component.end() && cyclic.count(it->second);
  }
  bool same(BasicBlock* a, BasicBlock* b) const {
    return component.lookup(a) == component.lookup(b);
  }
};

// The pad instruction that opens the block (a catchswitch, catchpad or cleanuppad).
Instruction* funclet_pad_of(BasicBlock* pad_block) {
  return pad_block->getFirstNonPHI();
}

// The pad a funclet pad or catchswitch sits in (none: the function body).
BasicBlock* parent_funclet(Instruction* pad) {
  Value* parent = nullptr;
  if (auto* cs = dyn_cast<CatchSwitchInst>(pad))
    parent = cs->getParentPad();
  else if (auto* fp = dyn_cast<FuncletPadInst>(pad))
    parent = fp->getParentPad();
  auto* inst = dyn_cast_or_null<Instruction>(parent);
  return inst ? inst->getParent() : nullptr;
}

// The blocks of the funclet entered at `pad` (a catchswitch or cleanuppad block): the pad, its
// handlers' blocks and those of every funclet nested in them.
block_set funclet_region(BasicBlock* pad, DenseMap<BasicBlock*, ColorVector> const& colors) {
  SmallPtrSet<BasicBlock*, 8> heads;  // funclet entry blocks: their color marks members
  block_set region;
  auto enter = [&](BasicBlock* b) {
    region.insert(b);
    if (auto* cs = dyn_cast<CatchSwitchInst>(funclet_pad_of(b)))
      for (BasicBlock* handler : cs->handlers()) {
        heads.insert(handler);
        region.insert(handler);
      }
    else
      heads.insert(b);
  };
  enter(pad);
  for (bool grew = true; grew;) {
    grew = false;
    for (auto& [block, block_colors] : colors)
      for (BasicBlock* c : block_colors)
        if (heads.count(c) && region.insert(block)) grew = true;
    for (BasicBlock& b : *pad->getParent()) {
      if (!b.isEHPad() || region.count(&b) || isa<CatchPadInst>(funclet_pad_of(&b))) continue;
      BasicBlock* parent = parent_funclet(funclet_pad_of(&b));
      if (parent && heads.count(parent)) {
        enter(&b);
        grew = true;
      }
    }
  }
  return region;
}

// Gives the unwind edges `from` (outside the pad's cycle) their own copy of the funclet at `pad`.
// Returns false (and changes nothing) if the region holds something the copy cannot join.
bool split_off_entry(BasicBlock* pad, ArrayRef<BasicBlock*> from,
                     DenseMap<BasicBlock*, ColorVector> const& colors) {
  Function& f = *pad->getParent();
  block_set region = funclet_region(pad, colors);

  // A token defined in the region and used outside it cannot be joined by a phi.
  for (BasicBlock* b : region)
    for (Instruction& i : *b)
      if (i.getType()->isTokenTy())
        for (User* u : i.users())
          if (!region.count(cast<Instruction>(u)->getParent())) return false;

  ValueToValueMapTy map;
  SmallVector<BasicBlock*, 16> copies;
  for (BasicBlock* b : region) {
    BasicBlock* c = CloneBasicBlock(b, map, ".ehcopy", &f);
    map[b] = c;
    copies.push_back(c);
  }
  for (BasicBlock* c : copies)
    for (Instruction& i : *c)
      RemapInstruction(&i, map, RF_IgnoreMissingLocals | RF_NoModuleLevelChanges);
  // The region and its copy: what lies "after" them below is everything else.
  SmallPtrSet<BasicBlock*, 32> both(region.begin(), region.end());
  both.insert(copies.begin(), copies.end());

  // The copied pad keeps only the outside edges' phi inputs; the original loses them.
  BasicBlock* pad_copy = cast<BasicBlock>(map[pad]);
  SmallPtrSet<BasicBlock*, 4> outside(from.begin(), from.end());
  for (PHINode& phi : pad_copy->phis())
    for (unsigned k = phi.getNumIncomingValues(); k-- > 0;)
      if (!outside.count(phi.getIncomingBlock(k)))
        phi.removeIncomingValue(k, /*DeletePHIIfEmpty=*/false);
  for (PHINode& phi : pad->phis())
    for (unsigned k = phi.getNumIncomingValues(); k-- > 0;)
      if (outside.count(phi.getIncomingBlock(k)))
        phi.removeIncomingValue(k, /*DeletePHIIfEmpty=*/false);
  // Phis inside the copy that named a block outside the region as a predecessor other than the
  // moved edges keep their entries (the remap left them pointing at the outside block): only the
  // pad can have predecessors outside the region, and it was handled above.

  for (BasicBlock* b : from) {
    Instruction* t = b->getTerminator();
    for (unsigned k = 0, n = t->getNumSuccessors(); k < n; ++k)
      if (t->getSuccessor(k) == pad) t->setSuccessor(k, pad_copy);
  }

  // Blocks after the region (catchret targets, outer unwind destinations) gain predecessors.
  for (BasicBlock* b : region) {
    auto* c = cast<BasicBlock>(map[b]);
    for (BasicBlock* succ : successors(c)) {
      if (both.count(succ)) continue;
      for (PHINode& phi : succ->phis()) {
        Value* v = phi.getIncomingValueForBlock(b);
        auto it = map.find(v);
        phi.addIncoming(it != map.end() ? static_cast<Value*>(it->second) : v, c);
      }
    }
  }

  // Values of the region used after it now have two definitions: join them.
  for (BasicBlock* b : region) {
    for (Instruction& i : *b) {
      SmallVector<Use*, 8> later;
      for (Use& u : i.uses()) {
        // A phi's use sits at the end of its incoming block.
        auto* user = cast<Instruction>(u.getUser());
        auto* phi = dyn_cast<PHINode>(user);
        if (!both.count(phi ? phi->getIncomingBlock(u) : user->getParent())) later.push_back(&u);
      }
      if (later.empty()) continue;
      SSAUpdater ssa;
      ssa.Initialize(i.getType(), i.getName());
      ssa.AddAvailableValue(b, &i);
      ssa.AddAvailableValue(cast<BasicBlock>(map[b]), cast<Instruction>(map[&i]));
      for (Use* u : later)
        ssa.RewriteUse(*u);
    }
  }
  return true;
}

// One round: finds an EH pad on a cycle with unwind predecessors off it and splits them off.
bool fix_one(Function& f) {
  cycles c(f);
  DenseMap<BasicBlock*, ColorVector> colors = colorEHFunclets(f);
  for (BasicBlock& b : f) {
    if (!b.isEHPad() || isa<CatchPadInst>(b.getFirstNonPHI()) || !c.on_cycle(&b)) continue;
    SmallVector<BasicBlock*, 4> from;
    for (BasicBlock* p : predecessors(&b))
      if (!c.same(p, &b) && !llvm::is_contained(from, p)) from.push_back(p);
    if (from.empty()) continue;
    if (split_off_entry(&b, from, colors)) return true;
    // Compiling on would lose this function's exceptions at run time: stop with a reason.
    report_fatal_error("asio_directsockets eh_pad_cycle_fix: cannot fix " + f.getName() +
                       " (a token of the funclet entered from outside its cycle is used outside "
                       "it); under -fwasm-exceptions its exceptions would be lost. Build this "
                       "program with -DASIO_DS_BLOCKING=asyncify (docs/browser.md)");
  }
  return false;
}

struct eh_pad_cycle_fix : PassInfoMixin<eh_pad_cycle_fix> {
  PreservedAnalyses run(Function& f, FunctionAnalysisManager&) {
    if (!f.hasPersonalityFn() ||
        classifyEHPersonality(f.getPersonalityFn()) != EHPersonality::Wasm_CXX)
      return PreservedAnalyses::all();
    bool changed = false;
    for (int round = 1; fix_one(f); ++round) {
      changed = true;
      if (round == 64)
        report_fatal_error("asio_directsockets eh_pad_cycle_fix: " + f.getName() +
                           " still has EH pads entered from outside their cycles after 64 splits");
    }
    if (changed && verifyFunction(f, &errs()))
      report_fatal_error("asio_directsockets eh_pad_cycle_fix: broke " + f.getName());
    return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
};

}  // namespace

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "asio_directsockets_eh_pad_cycle_fix", "1", [](PassBuilder& pb) {
            pb.registerOptimizerLastEPCallback([](ModulePassManager& mpm, OptimizationLevel) {
              mpm.addPass(createModuleToFunctionPassAdaptor(eh_pad_cycle_fix()));
            });
          }};
}
