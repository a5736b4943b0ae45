//! Typosquatting: a permutation engine with dnstwist's fuzzer ids and lookalike search against a brand watchlist.
