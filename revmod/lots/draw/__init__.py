"""The drawing of lots that pairs each party under review with its reviewing parties.

Pure package: no Django, no database, no global randomness. Every random choice comes from the
`random.Random` passed in (in production a `revmod.lots.rng.HashRandom`), inputs are sorted by
party code, and no iteration order depends on hashing, so the same inputs, rules and seed give
the same pairings on every machine. `ALGORITHM` names this algorithm and its distribution; it is
stored with each draw and must change whenever the output for a given seed could change.

Rules (each a field of `DrawRules`; defaults in brackets)
---------------------------------------------------------
Let k = `reviewers_per_review` [2], s = `same_group_reviewers` [1], cap =
`max_reviews_per_reviewer` [3], t = `max_load_spread` [1]. For every party R under review, with
I(R) the instruments it is party to (it is reviewed for all of them):

1. Main reviewers. R gets exactly k distinct main reviewers, none of them R. If R has a regional
   group G: exactly s of them are in G and k - s are not in G (a party without a group is "not
   in G" for every G). If R has no group, `no_group_policy` decides: "any" [default] - the k
   main reviewers come from any group; "strict" - R is treated as the only member of its own
   group, so with s > 0 the draw is infeasible for R (and says so), and with s = 0 any party
   may review it. A main reviewer M must share at least one instrument with R (with real data
   every party is party to UNTOC, so this never bites) and covers I(R) & I(M): everything of
   R's it is party to.
2. Instruments and additional reviewers. Every instrument i of R must be covered by exactly k
   reviewers who are party to i. Main reviewers cover what they can; the deficit of i is
   d(i) = k - #{main reviewers party to i}. The additional reviewers are the fewest that fill
   the deficits: for level l = 1, 2, ..., max d, the set D_l = {i : d(i) >= l} is covered by ONE
   additional reviewer who is party to every instrument of D_l (any regional group). Only if no
   party eligible to review R at all (see 5, 6) is party to all of D_l, D_l is split into one
   additional reviewer per instrument. Additional reviewers cover exactly their D_l (or their
   one instrument); they are distinct from each other and from the main reviewers. Example
   (k = 2): R has UNTOC+TIP+FIR, main A has UNTOC+TIP+FIR, main B has UNTOC+TIP: FIR has deficit
   1, so one additional reviewer covering FIR. If neither main had FIR, two additional
   reviewers, each covering FIR.
3. No self-review. No mutual reviews (`no_mutual` [True]): if A reviews B (in this draw or in
   an existing pairing), B does not review A.
4. Workload: every party reviews at most cap parties (main and additional, existing pairings
   included). Evenness, with t = `max_load_spread` (None switches it off): let load(p) count all
   pairings with p as reviewer, existing and new; let E be the parties that could be drawn as a
   main reviewer for at least one party reviewed in this call (rules 1, 3, 5, 6 and the cap on
   existing pairings; nothing else). Every party that receives a new pairing must end with
   load <= min(load over E) + t. In a full draw (no existing pairings) this says exactly that
   all loads differ by at most t - with t = 1, "as even as possible": the loads of the whole
   registry are two consecutive integers. For late joiners and redraws it says that new work
   goes only to the (nearly) least-loaded eligible parties; existing imbalance is not repaired.
5. Exclusions: (reviewed, reviewer) pairs that must not occur.
6. Existing pairings are fixed: they count towards the cap and the evenness rule, they make
   the reverse pairing impossible (rule 3), and they are never changed. A party already
   reviewed in an existing pairing cannot be drawn again with `draw` (use `redraw_slot`).

The distribution (what "fair" means here)
-----------------------------------------
For one party R, call the *ideal lot* P_R the lottery that looks at R alone (rules 1, 2, 3
self-review, 5, 6 - the rules that concern R by itself): it draws R's main reviewers uniformly
among all admissible main sets, then R's additional reviewers uniformly among all admissible
ways to fill the deficits those mains leave. The draw returns a valid outcome x (all rules,
all parties) with probability

    pi(x) = prod_R P_R(x_R) / Z  =  prod_R 1 / c_R(x) / Z',

where c_R(x) is the number of admissible ways to choose R's additional reviewers given R's main
reviewers in x (1 if none are needed) - in words: the ideal independent lottery for every party
at once, conditioned on the whole outcome being valid. It is exactly what one would get by
drawing everything with the ideal lots and, whenever any rule is broken anywhere, starting the
WHOLE draw again (restarting only the party that hit a dead end is what makes some outcomes
several times likelier than others). Consequences:
- When no party needs additional reviewers (e.g. all parties share the same instruments), pi
  is exactly uniform over the valid outcomes.
- Why not uniform in general: an outcome whose main reviewer lacks a Protocol has many more
  completions (one per possible additional reviewer) than one whose main reviewer has it, so
  the uniform distribution over complete outcomes would make a party that lacks Protocols
  several times likelier to be drawn as a main reviewer (e.g. one main slot for R, which has
  FIR, with 5 candidates party to FIR and 5 not, each of those leaving 5 possible additional
  reviewers: uniform over outcomes picks a main without FIR 25 times out of 30, 83%, instead
  of half the time) and would maximise the number of additional reviewers. Under pi every
  eligible party has the same chance for each lot before the global rules (caps, mutuality,
  evenness) are applied, which is what drawing lots means; those rules then only remove
  outcomes, never reweight the ones that remain.

How it is sampled
-----------------
1. Necessary conditions are checked first (candidates per group, per instrument, capacity per
   instrument and group, mutuality), each failing with `Infeasible(rule, message, reason,
   params)`: the English message for logs and the command line, the reason code and its params
   (`types.REASONS`) for a user interface to say it in the reader's language
   (`revmod.lots.refusals`).
2. Randomness: the draw takes 256 bits from the `rng` passed in and seeds a private
   `random.Random` (Mersenne Twister) with them; every later choice comes from it. A large
   draw makes hundreds of thousands of choices and a SHA-256 generator costs a hash per 256
   bits; Python guarantees `random()` of an integer-seeded Random to give the same sequence
   in every version, and MT19937 (init_by_array) exists in every language.
3. Start. Small draws (at most 40 parties and 12 reviews): every review's ideal lot is
   tabulated and the whole draw is drawn from the ideal lots, up to 400 times, until it is
   valid - rejection sampling, so a success is an EXACT sample of pi, and the chain below is
   skipped (it could not change the distribution). Otherwise a valid outcome is searched: a
   sequential draw in random order from the ideal lots (skipping candidates that are full or
   would make a mutual pair), then a bounded repair (local search on the number of broken
   rules; if it gets stuck, the same from a least-loaded greedy draw); for small draws an
   exhaustive search (bounded by a node budget) decides, and when it proves that nothing is
   valid it names a rule whose relaxation would make the draw possible. If everything fails,
   `Infeasible("bounded search", ...)` says the search gave up (the draw may be possible).
4. Chain. From a searched start, a Metropolis-Hastings chain runs `mixing_sweeps` x k x
   |reviewed| steps. Each step first, with probability min(0.05, 1/|reviewed|^2), proposes a
   FULL REDRAW from the ideal lots (an independence proposal with the target's own weights:
   accepted iff valid). Otherwise it picks a reviewed party R uniformly and proposes (mix
   20/5/55/10/10%):
   a. MAIN_KEEP: one main slot of R gets a candidate with exactly the same coverage of R's
      instruments, drawn uniformly among those under the cap; additional reviewers kept.
   b. MAIN_BLOCK: one main slot gets a uniformly drawn admissible candidate and all of R's
      additional reviewers are redrawn from the ideal lot given the new mains.
   c. MAIN_BLOCK under capacity: like b, but the new main and the new additional reviewers
      are drawn uniformly among candidates under the cap in the outcome with R's own
      pairings removed (the same outcome before and after the move); only when R's slots
      form a nested chain before and after (always with real data). Its Metropolis-Hastings
      ratio is L(m) Lc(m') / (L(m') Lc(m)), L counting the ideal lot's completions of a main
      set and Lc the completions under the cap (both products over the nested slots).
   d. ADD: one additional slot of R gets a candidate drawn uniformly among those under the
      cap that may take it.
   e. SWAP: the reviewers of one slot of R and one slot of another uniformly drawn reviewed
      party are exchanged, when each fits the other's slot with the same coverage.
   The slot is drawn uniformly among R's main slots (a-c), R's additional slots (d) or all
   of R's slots (e); none of a, d, e changes how many slots a party has, and a-c choose
   among the k main slots, so the choice of slot is the same from both ends of a move. In a
   and d the candidate set has the same size from both ends (the replaced reviewer joins it,
   the new one leaves it), so the proposal - including giving up after a fixed number of
   rejection-sampling misses, which then happens with the same probability - is symmetric,
   and the two outcomes have the same weight (same coverage, same number of completions);
   e is symmetric and weight-preserving likewise. b proposes from the conditional of P_R
   itself, whose ratio cancels against the weights; c is corrected by its ratio. Hence pi is
   stationary. The full-redraw move can reach every valid outcome from every other in one
   step, so the chain is irreducible on all valid outcomes, and it is aperiodic (rejections
   stay put): it converges to pi. How fast depends on the moves a-e: on tiny rigid instances
   (e.g. a cap of 1 leaving no spare capacity) the valid outcomes can be connected only
   through the full redraw, which is why small draws start with exact rejection sampling.
   Indices are taken from 53-bit uniform numbers; the bias (< n / 2**53) is negligible.
5. Step count. A sweep is k x |reviewed| steps; the default is 10 sweeps, and never fewer
   than 1,000 steps (a tiny draw's sweep is a handful of steps). The mixing is
   measured, not proven: on a 189-party registry shaped like the real one, with the cap and
   evenness binding (loads 2 and 3), statistics that start far from pi (number of additional
   reviewers, main reviewers lacking FIR, 3-cycles of reviews) agree after 8-10 sweeps with
   runs of 40 sweeps within their standard errors (bench/draw.py --mixing), and likewise at
   1,000 parties. tests/test_solver.py checks on small instances, by enumerating every valid
   outcome, that public draws are within 0.02 in total variation of pi and that the chain's
   moves keep pi (started from pi, still pi). Raise `mixing_sweeps` (it is stored with the
   rules) to buy a closer approach with time; bench/draw.py reports the cost.

Redraw of one slot (`redraw_slot`): replace reviewer X of reviewed Y, everything else fixed.
The replacement is drawn uniformly among the parties that satisfy every rule for that slot: X
excluded, the same role, for a main slot the same group side (same group as Y or not), party to
every instrument of the slot; cap, mutuality, exclusions and evenness as in `draw` (with E = the
parties eligible for this slot; with t >= 1 this only means "among the least loaded", never
"none"). The new pairing covers exactly the slot's instruments: if a new main reviewer is party
to more of Y's instruments, those stay with the additional reviewers already drawn, so every
instrument keeps exactly k reviewers and nothing else changes. (Requiring the same coverage
exactly made about 4% of main slots of a full 189-party draw impossible to redraw.) A redraw
uses `rng` directly (one number).

Reviewers for a Protocol joined later (`cover`): a party under review that becomes party to an
instrument after its reviewers were drawn lacks reviewers for it. Its pairings in force stay;
each main reviewer party to the new instrument takes it (rule 2, no lot needed), and the
deficits left are filled by additional reviewers as in rule 2, each drawn like a redrawn slot
(uniformly among the parties that meet every rule for it; one number from `rng` per slot).

Where things are
----------------
The public API is what this package exports (below); its modules are the implementation, each
opening with what it guarantees:

- `types`: PartyInfo, DrawRules, Pairing, Infeasible, ALGORITHM and the RULE_* names.
- `problem`: the static view of a draw (parties as indices, instruments as bit masks, who
  may fill which slot, which additional slots a set of main reviewers leaves: rules 1, 2).
- `ideal`: exact uniform draws of candidates and of whole reviews from the ideal lots P_R.
- `precheck`: the necessary conditions (sampling step 1).
- `state`: an assignment with its loads, pairings and evenness bookkeeping (rules 3, 4).
- `repair` and `start`: a valid start, or a proof that none exists (step 3).
- `chain`: the Metropolis-Hastings chain, one function per move (steps 4, 5).
- `sampler`: `draw`, the steps in order (step 2 is its private generator).
- `slots`: `redraw_slot` and `cover`.
"""

from revmod.lots.draw.sampler import draw
from revmod.lots.draw.slots import cover, redraw_slot
from revmod.lots.draw.types import (
    ALGORITHM,
    ROLE_ADDITIONAL,
    ROLE_MAIN,
    RULE_CAP,
    RULE_COMBINED,
    RULE_EXCLUSIONS,
    RULE_INSTRUMENT,
    RULE_MUTUAL,
    RULE_OTHER_GROUP,
    RULE_REVIEWERS,
    RULE_SAME_GROUP,
    RULE_SEARCH,
    RULE_SPREAD,
    DrawRules,
    Infeasible,
    Pairing,
    PartyInfo,
)

__all__ = [
    "ALGORITHM",
    "DrawRules",
    "Infeasible",
    "PartyInfo",
    "Pairing",
    "ROLE_ADDITIONAL",
    "ROLE_MAIN",
    "RULE_CAP",
    "RULE_COMBINED",
    "RULE_EXCLUSIONS",
    "RULE_INSTRUMENT",
    "RULE_MUTUAL",
    "RULE_OTHER_GROUP",
    "RULE_REVIEWERS",
    "RULE_SAME_GROUP",
    "RULE_SEARCH",
    "RULE_SPREAD",
    "cover",
    "draw",
    "redraw_slot",
]
