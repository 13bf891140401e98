"""The review loop in Word: a review copy (审阅稿) that says where every figure comes from, and
`zongjie diff`, which reads the copy back after people edited it in Word or WPS."""
