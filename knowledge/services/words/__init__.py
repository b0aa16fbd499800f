"""The words of four languages (English, Russian, Spanish, Chinese): which language a text is
in, dates and times named in words, what a question asks for, what a reminder request says.
Pure functions and tables; nothing here reads storage.
"""
