"""What the A4 print views of a roster filing show (issue 12 item 4): the 公示表 and the 成员名册备案表."""
