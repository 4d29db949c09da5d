"""Seller operations (pure): platform order exports -> normalised order lines (:mod:`.readers`, layouts in
:mod:`.formats`), SKU -> catalogue product (:mod:`.mapping`), true margin per order against the quote
(:mod:`.margin`, on the costing engine's batch path), and the 9610 export inventory list CEB603 with the
waybill table (:mod:`.ceb603`). No file, database or UI here: :mod:`qiankua.store.orders` reads and writes,
:mod:`qiankua.services.orders` runs the use cases."""
